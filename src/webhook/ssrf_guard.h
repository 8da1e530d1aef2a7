// Address checks that keep server-side requests away from internal networks.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace vox::webhook {

// True for loopback, RFC 1918 private, link-local, CGNAT, multicast,
// unspecified, IPv6 ULA and IPv4-mapped forms of those.
bool IsPrivateAddress(const std::string& numeric_ip);

struct ResolvedTarget {
  std::string host;
  int port = 0;
  std::string scheme;
  std::vector<std::string> addresses;  // numeric, all checked
};

// Parses an http(s) URL and resolves its host. With allow_private=false,
// fails with PermissionDenied (field "webhook_url") if any address is private.
Result<ResolvedTarget> ResolveWebhookTarget(const std::string& url, bool allow_private);

}  // namespace vox::webhook
