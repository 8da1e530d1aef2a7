// Which numeric addresses a webhook may not reach: everything that is not
// globally routable, including IPv6 forms that carry an IPv4 address.
#pragma once

#include <string>

namespace vox::webhook {

// True for an address outside the public Internet: IPv4 loopback, RFC 1918,
// link-local (cloud metadata), CGNAT, documentation, benchmarking, multicast,
// reserved; IPv6 loopback, unspecified, ULA, link- and site-local,
// multicast, discard-only, documentation and all space outside 2000::/3.
// IPv6 forms that embed or translate to IPv4 (mapped, translated,
// compatible, NAT64, 6to4, Teredo) are judged by the IPv4 address they
// carry. Unparseable input is private (refused).
bool IsPrivateAddress(const std::string& numeric_ip);

}  // namespace vox::webhook
