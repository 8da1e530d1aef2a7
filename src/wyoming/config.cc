#include "wyoming/config.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace vox::wyoming {
namespace {

// "host:port" or "[v6]:port" with a port 0..65535 (0: the kernel picks one).
Status CheckListen(const std::string& listen) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("must be HOST:PORT (" + why + "), got '" + listen + "'",
                           "VOX_WYOMING_LISTEN");
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return bad("no port");
  std::string host = listen.substr(0, colon);
  if (host.starts_with('[') != host.ends_with(']')) return bad("bad IPv6 literal");
  if (!host.starts_with('[') && host.find(':') != std::string::npos) {
    return bad("IPv6 hosts need [brackets]");
  }
  if (host.empty() || host == "[]") return bad("empty host");
  std::string_view port = std::string_view(listen).substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return bad("port must be 0..65535");
  }
  return {};
}

}  // namespace

Status WyomingConfig::Validate() const {
  if (!listen.empty()) VOX_RETURN_IF_ERROR(CheckListen(listen));
  if (max_connections < 1 || max_connections > 10'000) {
    return InvalidArgument("must be 1..10000", "VOX_WYOMING_MAX_CONNECTIONS");
  }
  if (synthesis_threads < 1 || synthesis_threads > 256) {
    return InvalidArgument("must be 1..256", "VOX_WYOMING_THREADS");
  }
  if (io_threads < 1 || io_threads > 64) return InvalidArgument("must be 1..64", "io_threads");
  VOX_RETURN_IF_ERROR(limits.Validate());
  if (idle_timeout.count() <= 0) {
    return InvalidArgument("must be > 0", "VOX_WYOMING_IDLE_TIMEOUT_MS");
  }
  if (write_timeout.count() <= 0) return InvalidArgument("must be > 0", "write_timeout");
  if (max_header_bytes < 1024) return InvalidArgument("must be >= 1 KiB", "max_header_bytes");
  if (max_buffered_bytes < 4096) return InvalidArgument("must be >= 4 KiB", "max_buffered_bytes");
  if (max_queued_events < 1) return InvalidArgument("must be >= 1", "max_queued_events");
  if (chunk_ms < 10 || chunk_ms > 1000) return InvalidArgument("must be 10..1000", "chunk_ms");
  return {};
}

std::string WyomingConfig::ToString() const {
  return nlohmann::json{{"listen", listen},
                        {"default_voice", default_voice},
                        {"max_connections", max_connections},
                        {"synthesis_threads", synthesis_threads},
                        {"idle_timeout_ms", idle_timeout.count()}}
      .dump();
}

}  // namespace vox::wyoming
