#include "webhook/ssrf_guard.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>

#include <cctype>
#include <memory>

namespace vox::webhook {

Result<WebhookUrl> ParseWebhookUrl(const std::string& url) {
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
  WebhookUrl t;
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
  for (char& c : t.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

Result<ResolvedTarget> ResolveWebhookTarget(const std::string& url, bool allow_private) {
  ResolvedTarget t;
  VOX_ASSIGN_OR_RETURN(static_cast<WebhookUrl&>(t), ParseWebhookUrl(url));
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
    const void* src =
        ai->ai_family == AF_INET
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
