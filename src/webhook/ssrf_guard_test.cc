#include "webhook/ssrf_guard.h"

#include <gtest/gtest.h>

namespace vox::webhook {
namespace {

TEST(SsrfGuardTest, ClassifiesAddresses) {
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "0.0.0.0", "100.64.0.1", "::1", "::", "fc00::1",
                         "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1", "bogus"}) {
    EXPECT_TRUE(IsPrivateAddress(ip)) << ip;
  }
  for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "2001:4860:4860::8888",
                         "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(IsPrivateAddress(ip)) << ip;
  }
}

TEST(SsrfGuardTest, RefusesLoopbackTargetsUnlessAllowed) {
  auto refused = ResolveWebhookTarget("http://127.0.0.1:9/hook", false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().field, "webhook_url");
  EXPECT_FALSE(ResolveWebhookTarget("http://localhost/hook", false));
  EXPECT_FALSE(ResolveWebhookTarget("http://[::1]:8080/", false));
  auto allowed = ResolveWebhookTarget("http://127.0.0.1:9/hook", true);
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->port, 9);
}

TEST(SsrfGuardTest, RejectsMalformedUrls) {
  for (const char* url : {"", "not a url", "ftp://example.com/", "file:///etc/passwd",
                          "http://user:pw@127.0.0.1/", "gopher://127.0.0.1/"}) {
    auto r = ResolveWebhookTarget(url, true);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().field, "webhook_url") << url;
  }
}

}  // namespace
}  // namespace vox::webhook
