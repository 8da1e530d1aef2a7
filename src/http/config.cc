#include "http/config.h"

#include <charconv>
#include <sstream>

#include "http/tls_context.h"

namespace vox::http {

Result<ListenAddress> ParseListenAddress(const std::string& listen, const std::string& field) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument(field + " must be HOST:PORT (" + why + "), got '" + listen + "'", field);
  };
  ListenAddress out;
  std::string port_text;
  if (!listen.empty() && listen.front() == '[') {  // [v6]:port
    size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return bad("bad IPv6 literal");
    }
    out.host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else {
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return bad("no port");
    out.host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) return bad("IPv6 hosts need [brackets]");
  }
  if (out.host.empty()) return bad("empty host");
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad("port must be 0..65535");
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

Status HttpServerConfig::Validate() const {
  VOX_RETURN_IF_ERROR(ParseListenAddress(listen));
  if (io_threads < 1 || io_threads > 256) {
    return InvalidArgument("io_threads must be 1..256", "io_threads");
  }
  if (max_header_bytes < 1024 || max_header_bytes > 1024 * 1024) {
    return InvalidArgument("max_header_bytes must be 1 KiB..1 MiB", "max_header_bytes");
  }
  if (max_body_bytes > (uint64_t{1} << 40)) {
    return InvalidArgument("max_body_bytes must be at most 1 TiB", "max_body_bytes");
  }
  const std::pair<std::chrono::milliseconds, const char*> timeouts[] = {
      {header_timeout, "header_timeout"},
      {body_timeout, "body_timeout"},
      {keep_alive_idle_timeout, "keep_alive_idle_timeout"},
      {write_timeout, "write_timeout"},
      {linger_timeout, "linger_timeout"}};
  for (const auto& [value, name] : timeouts) {
    if (value.count() <= 0) return InvalidArgument(std::string(name) + " must be > 0", name);
  }
  if (max_connections < 1)
    return InvalidArgument("max_connections must be >= 1", "max_connections");
  if (tls_cert_file.empty() != tls_key_file.empty()) {
    return InvalidArgument("TLS needs both a certificate and a key; only the " +
                               std::string(tls_cert_file.empty() ? "key" : "certificate") +
                               " is set",
                           tls_cert_file.empty() ? "tls_cert_file" : "tls_key_file");
  }
  // Fail fast, at configuration time, on files that will not load (Start() loads them again).
  if (tls()) VOX_RETURN_IF_ERROR(TlsContext::Load(tls_cert_file, tls_key_file));
  if (max_body_bytes_in_flight < max_body_bytes) {
    return InvalidArgument("max_body_bytes_in_flight must be >= max_body_bytes",
                           "max_body_bytes_in_flight");
  }
  return {};
}

std::string HttpServerConfig::ToString() const {
  std::ostringstream out;
  out << "listen=" << listen << " io_threads=" << io_threads
      << " max_header_bytes=" << max_header_bytes << " max_body_bytes=" << max_body_bytes
      << " header_timeout_ms=" << header_timeout.count()
      << " body_timeout_ms=" << body_timeout.count()
      << " keep_alive_idle_timeout_ms=" << keep_alive_idle_timeout.count()
      << " write_timeout_ms=" << write_timeout.count()
      << " linger_timeout_ms=" << linger_timeout.count() << " max_connections=" << max_connections
      << " max_body_bytes_in_flight=" << max_body_bytes_in_flight;
  if (tls()) out << " tls_cert_file=" << tls_cert_file << " tls_key_file=" << tls_key_file;
  return out.str();
}

}  // namespace vox::http
