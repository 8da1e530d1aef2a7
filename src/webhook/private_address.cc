#include "webhook/private_address.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <vector>

namespace vox::webhook {
namespace {

using V6 = std::array<uint8_t, 16>;

struct V4Range {
  const char* net;
  int bits;
};

// IANA IPv4 special-purpose ranges that are not globally reachable, plus
// multicast and the reserved block: nothing a user's receiver lives on.
constexpr V4Range kPrivateV4[] = {
    {"0.0.0.0", 8},        // "this network"
    {"10.0.0.0", 8},       // RFC 1918
    {"100.64.0.0", 10},    // CGNAT
    {"127.0.0.0", 8},      // loopback
    {"169.254.0.0", 16},   // link-local: cloud metadata lives here
    {"172.16.0.0", 12},    // RFC 1918
    {"192.0.0.0", 24},     // IETF protocol assignments
    {"192.0.2.0", 24},     // documentation (TEST-NET-1)
    {"192.88.99.0", 24},   // 6to4 relay anycast (deprecated)
    {"192.168.0.0", 16},   // RFC 1918
    {"198.18.0.0", 15},    // benchmarking
    {"198.51.100.0", 24},  // documentation (TEST-NET-2)
    {"203.0.113.0", 24},   // documentation (TEST-NET-3)
    {"224.0.0.0", 4},      // multicast
    {"240.0.0.0", 4},      // reserved, broadcast
};

// What an IPv6 prefix means for us. First match wins, so narrower prefixes
// come before the wider ones that contain them.
enum class V6Rule {
  kPublic,
  kPrivate,
  kV4InLast32,  // the IPv4 address is the last 32 bits
  kSixToFour,   // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
  kTeredo,      // server IPv4 in bits 32..63, client IPv4 XOR 0xffffffff in the last 32
};

struct V6Range {
  const char* net;
  int bits;
  V6Rule rule;
};

constexpr V6Range kV6Rules[] = {
    {"::ffff:0:0", 96, V6Rule::kV4InLast32},    // IPv4-mapped
    {"::ffff:0:0:0", 96, V6Rule::kV4InLast32},  // IPv4-translated (SIIT)
    {"::", 96, V6Rule::kV4InLast32},            // IPv4-compatible; :: and ::1 land in 0.0.0.0/8
    {"64:ff9b::", 96, V6Rule::kV4InLast32},     // NAT64 well-known prefix
    // NAT64 local-use: the operator's own translator, embedding IPv4 at a
    // prefix length it chose, so no position can be trusted; never global.
    {"64:ff9b:1::", 48, V6Rule::kPrivate},
    {"100::", 64, V6Rule::kPrivate},  // discard-only
    {"2001::", 32, V6Rule::kTeredo},
    {"2001::", 23, V6Rule::kPrivate},      // IETF protocol assignments (benchmarking, ORCHID)
    {"2001:db8::", 32, V6Rule::kPrivate},  // documentation
    {"2002::", 16, V6Rule::kSixToFour},
    {"3fff::", 20, V6Rule::kPrivate},  // documentation
    {"5f00::", 16, V6Rule::kPrivate},  // SRv6 segment identifiers
    // Global unicast is the only routable IPv6 space. Everything else falls
    // through to private: ULA fc00::/7, link-local fe80::/10, site-local
    // fec0::/10, multicast ff00::/8 and unassigned space.
    {"2000::", 3, V6Rule::kPublic},
};

bool PrefixMatches(const uint8_t* a, const uint8_t* net, int bits) {
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - bits));
    if ((a[i] & mask) != (net[i] & mask)) return false;
  }
  return true;
}

uint32_t V4At(const uint8_t* b) {  // host byte order
  return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
}

bool IsPrivateV4(uint32_t a) {
  static const std::vector<std::pair<uint32_t, int>> ranges = [] {
    std::vector<std::pair<uint32_t, int>> out;
    for (const auto& r : kPrivateV4) {
      in_addr net{};
      inet_pton(AF_INET, r.net, &net);
      out.emplace_back(ntohl(net.s_addr), r.bits);
    }
    return out;
  }();
  for (const auto& [net, bits] : ranges) {
    if ((a >> (32 - bits)) == (net >> (32 - bits))) return true;
  }
  return false;
}

bool IsPrivateV6(const V6& a) {
  static const std::vector<std::pair<V6, const V6Range*>> rules = [] {
    std::vector<std::pair<V6, const V6Range*>> out;
    for (const auto& r : kV6Rules) {
      V6 net{};
      inet_pton(AF_INET6, r.net, net.data());
      out.emplace_back(net, &r);
    }
    return out;
  }();
  for (const auto& [net, range] : rules) {
    if (!PrefixMatches(a.data(), net.data(), range->bits)) continue;
    switch (range->rule) {
      case V6Rule::kPublic:
        return false;
      case V6Rule::kPrivate:
        return true;
      case V6Rule::kV4InLast32:
        return IsPrivateV4(V4At(&a[12]));
      case V6Rule::kSixToFour:
        return IsPrivateV4(V4At(&a[2]));
      case V6Rule::kTeredo:
        return IsPrivateV4(V4At(&a[4])) || IsPrivateV4(~V4At(&a[12]));
    }
  }
  return true;
}

}  // namespace

bool IsPrivateAddress(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return IsPrivateV4(ntohl(v4.s_addr));
  V6 v6{};
  if (inet_pton(AF_INET6, ip.c_str(), v6.data()) == 1) return IsPrivateV6(v6);
  return true;  // unparseable: refuse
}

}  // namespace vox::webhook
