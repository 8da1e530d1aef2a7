// Target checks that keep server-side requests away from internal networks.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "webhook/private_address.h"

namespace vox::webhook {

struct WebhookUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // as written, lower-cased; IPv6 in brackets
  int port = 0;        // explicit or the scheme's default

  // "host:port": what the dispatcher limits concurrency by.
  std::string HostKey() const { return host + ":" + std::to_string(port); }
};

// Parses an http(s) URL without resolving it; errors name field "webhook_url".
Result<WebhookUrl> ParseWebhookUrl(const std::string& url);

struct ResolvedTarget : WebhookUrl {
  std::vector<std::string> addresses;  // numeric, all checked
};

// Parses an http(s) URL and resolves its host. With allow_private=false,
// fails with PermissionDenied (field "webhook_url") if any address is private.
Result<ResolvedTarget> ResolveWebhookTarget(const std::string& url, bool allow_private);

}  // namespace vox::webhook
