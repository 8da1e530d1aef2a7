// IsPrivateAddress as a table: one address per line, with its public
// counterpart beside each embedding form, so a rule that refuses everything
// fails as surely as one that lets an internal address through.
#include "webhook/private_address.h"

#include <gtest/gtest.h>

namespace vox::webhook {
namespace {

struct Case {
  const char* ip;
  bool is_private;
  const char* why;
};

constexpr bool kPrivate = true;
constexpr bool kPublic = false;

constexpr Case kCases[] = {
    // IPv4.
    {"127.0.0.1", kPrivate, "loopback"},
    {"0.0.0.0", kPrivate, "this network"},
    {"10.1.2.3", kPrivate, "RFC 1918"},
    {"172.16.0.1", kPrivate, "RFC 1918"},
    {"172.31.255.255", kPrivate, "RFC 1918, last"},
    {"192.168.1.1", kPrivate, "RFC 1918"},
    {"169.254.169.254", kPrivate, "link-local: cloud metadata"},
    {"100.64.0.1", kPrivate, "CGNAT"},
    {"192.0.0.8", kPrivate, "IETF protocol assignments"},
    {"192.0.2.1", kPrivate, "documentation"},
    {"198.18.0.1", kPrivate, "benchmarking"},
    {"198.51.100.7", kPrivate, "documentation"},
    {"203.0.113.9", kPrivate, "documentation"},
    {"224.0.0.1", kPrivate, "multicast"},
    {"240.0.0.1", kPrivate, "reserved"},
    {"255.255.255.255", kPrivate, "broadcast"},
    {"8.8.8.8", kPublic, "public"},
    {"1.1.1.1", kPublic, "public"},
    {"172.32.0.1", kPublic, "just past 172.16/12"},
    {"100.128.0.1", kPublic, "just past CGNAT"},
    {"192.0.3.1", kPublic, "just past 192.0.2/24"},
    {"198.20.0.1", kPublic, "just past 198.18/15"},
    // IPv6 of its own.
    {"::1", kPrivate, "loopback"},
    {"::", kPrivate, "unspecified"},
    {"fc00::1", kPrivate, "unique local"},
    {"fd12:3456:789a::1", kPrivate, "unique local"},
    {"fe80::1", kPrivate, "link-local"},
    {"fec0::1", kPrivate, "site-local (deprecated)"},
    {"feff:ffff::1", kPrivate, "site-local, last"},
    {"ff02::1", kPrivate, "multicast"},
    {"100::1", kPrivate, "discard-only"},
    {"100::ffff:ffff:ffff:ffff", kPrivate, "discard-only, last"},
    {"2001:db8::1", kPrivate, "documentation"},
    {"3fff::1", kPrivate, "documentation"},
    {"2001:2::1", kPrivate, "benchmarking"},
    {"2001:10::1", kPrivate, "ORCHID"},
    {"5f00::1", kPrivate, "SRv6 SIDs"},
    {"4000::1", kPrivate, "outside global unicast"},
    {"2001:4860:4860::8888", kPublic, "public"},
    {"2606:4700:4700::1111", kPublic, "public"},
    {"2a00:1450:4001::1", kPublic, "public"},
    {"2001:200::1", kPublic, "just past 2001::/23"},
    // IPv4-mapped ::ffff:0:0/96.
    {"::ffff:127.0.0.1", kPrivate, "mapped loopback"},
    {"::ffff:7f00:1", kPrivate, "mapped loopback, hex"},
    {"::ffff:169.254.169.254", kPrivate, "mapped metadata"},
    {"::ffff:10.0.0.1", kPrivate, "mapped RFC 1918"},
    {"::ffff:8.8.8.8", kPublic, "mapped public"},
    // IPv4-translated ::ffff:0:0:0/96.
    {"::ffff:0:127.0.0.1", kPrivate, "translated loopback"},
    {"::ffff:0:a9fe:a9fe", kPrivate, "translated metadata"},
    {"::ffff:0:8.8.8.8", kPublic, "translated public"},
    // IPv4-compatible ::/96.
    {"::127.0.0.1", kPrivate, "compatible loopback"},
    {"::a00:1", kPrivate, "compatible RFC 1918"},
    {"::8.8.8.8", kPublic, "compatible public"},
    // NAT64 64:ff9b::/96.
    {"64:ff9b::7f00:1", kPrivate, "NAT64 loopback"},
    {"64:ff9b::169.254.169.254", kPrivate, "NAT64 metadata"},
    {"64:ff9b::c0a8:101", kPrivate, "NAT64 RFC 1918"},
    {"64:ff9b::808:808", kPublic, "NAT64 public"},
    // NAT64 local-use 64:ff9b:1::/48: the operator's translator, never global.
    {"64:ff9b:1::7f00:1", kPrivate, "local-use NAT64 loopback"},
    {"64:ff9b:1::808:808", kPrivate, "local-use NAT64 of a public address"},
    {"64:ff9b:1:ffff::1", kPrivate, "local-use NAT64, last /64"},
    // 6to4 2002::/16.
    {"2002:7f00:1::1", kPrivate, "6to4 loopback"},
    {"2002:a9fe:a9fe::1", kPrivate, "6to4 metadata"},
    {"2002:c0a8:101:1::1", kPrivate, "6to4 RFC 1918"},
    {"2002:808:808::1", kPublic, "6to4 public"},
    // Teredo 2001::/32: server IPv4, flags, port, client IPv4 XOR ffff:ffff.
    {"2001:0:4136:e378:8000:63bf:80ff:fffe", kPrivate, "Teredo client 127.0.0.1"},
    {"2001:0:4136:e378:8000:63bf:3f57:fefe", kPrivate, "Teredo client 192.168.1.1"},
    {"2001:0:4136:e378:8000:63bf:5601:5601", kPrivate, "Teredo client 169.254.169.254"},
    {"2001:0:a00:1:8000:63bf:f7f7:f7f7", kPrivate, "Teredo server 10.0.0.1"},
    {"2001:0:7f00:1:8000:63bf:f7f7:f7f7", kPrivate, "Teredo server 127.0.0.1"},
    {"2001:0:4136:e378:8000:63bf:f7f7:f7f7", kPublic, "Teredo 65.54.227.120 / 8.8.8.8"},
    // Not addresses at all.
    {"bogus", kPrivate, "unparseable"},
    {"", kPrivate, "empty"},
    {"1.2.3", kPrivate, "short IPv4"},
    {"fe80::1%eth0", kPrivate, "scoped"},
};

TEST(PrivateAddressTest, ClassifiesEveryRange) {
  for (const Case& c : kCases) {
    EXPECT_EQ(IsPrivateAddress(c.ip), c.is_private) << c.ip << " (" << c.why << ")";
  }
}

}  // namespace
}  // namespace vox::webhook
