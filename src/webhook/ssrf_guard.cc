#include "webhook/ssrf_guard.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>

#include <cstring>
#include <memory>

namespace vox::webhook {
namespace {

bool IsPrivateV4(uint32_t a) {  // host byte order
  auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  return in(0x00000000, 8) ||   // 0.0.0.0/8
         in(0x0A000000, 8) ||   // 10/8
         in(0x64400000, 10) ||  // 100.64/10 CGNAT
         in(0x7F000000, 8) ||   // loopback
         in(0xA9FE0000, 16) ||  // link-local (cloud metadata lives here)
         in(0xAC100000, 12) ||  // 172.16/12
         in(0xC0000000, 24) ||  // 192.0.0/24
         in(0xC0A80000, 16) ||  // 192.168/16
         in(0xC6120000, 15) ||  // 198.18/15 benchmarking
         in(0xE0000000, 4) ||   // multicast
         in(0xF0000000, 4);     // reserved + broadcast
}

}  // namespace

bool IsPrivateAddress(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return IsPrivateV4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) != 1) return true;  // unparseable: refuse
  const uint8_t* b = v6.s6_addr;
  static const uint8_t kZero[16] = {};
  if (std::memcmp(b, kZero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  if (IN6_IS_ADDR_V4MAPPED(&v6) || IN6_IS_ADDR_V4COMPAT(&v6)) {
    uint32_t a = (uint32_t(b[12]) << 24) | (uint32_t(b[13]) << 16) | (uint32_t(b[14]) << 8) | b[15];
    return IsPrivateV4(a);
  }
  if ((b[0] & 0xFE) == 0xFC) return true;                 // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xFF) return true;                           // multicast
  return false;
}

Result<ResolvedTarget> ResolveWebhookTarget(const std::string& url, bool allow_private) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> h(curl_url(), curl_url_cleanup);
  if (curl_url_set(h.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return InvalidArgument("webhook_url is not a valid URL", "webhook_url");
  }
  auto part = [&](CURLUPart which, unsigned flags = 0) -> std::string {
    char* value = nullptr;
    if (curl_url_get(h.get(), which, &value, flags) != CURLUE_OK || value == nullptr) return {};
    std::string out(value);
    curl_free(value);
    return out;
  };
  ResolvedTarget t;
  t.scheme = part(CURLUPART_SCHEME);
  t.host = part(CURLUPART_HOST);
  std::string port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (t.scheme != "http" && t.scheme != "https") {
    return InvalidArgument("webhook_url must be http or https", "webhook_url");
  }
  if (t.host.empty()) return InvalidArgument("webhook_url has no host", "webhook_url");
  if (!part(CURLUPART_USER).empty()) {
    return InvalidArgument("webhook_url must not carry credentials", "webhook_url");
  }
  t.port = port.empty() ? 0 : std::atoi(port.c_str());
  std::string lookup = t.host;
  if (lookup.size() > 2 && lookup.front() == '[' && lookup.back() == ']') {
    lookup = lookup.substr(1, lookup.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(lookup.c_str(), nullptr, &hints, &res); rc != 0) {
    return InvalidArgument("webhook_url host does not resolve: " + std::string(gai_strerror(rc)),
                           "webhook_url");
  }
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src = ai->ai_family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr)
                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr);
    if (inet_ntop(ai->ai_family, src, buf, sizeof(buf)) != nullptr) t.addresses.emplace_back(buf);
  }
  freeaddrinfo(res);
  if (t.addresses.empty()) return InvalidArgument("webhook_url host has no address", "webhook_url");
  if (!allow_private) {
    for (const auto& a : t.addresses) {
      if (IsPrivateAddress(a)) {
        return MakeError(ErrorCode::kPermissionDenied,
                         "webhook_url resolves to a private or loopback address (" + a +
                             "); set VOX_WEBHOOK_ALLOW_PRIVATE=1 to allow internal receivers",
                         "webhook_url");
      }
    }
  }
  return t;
}

}  // namespace vox::webhook
