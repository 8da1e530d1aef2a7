#include "webhook/ssrf_guard.h"

#include <gtest/gtest.h>

namespace vox::webhook {
namespace {

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

TEST(SsrfGuardTest, RefusesNamesAndLiteralsThatEmbedInternalIpv4) {
  for (const char* url : {"http://[::ffff:127.0.0.1]:8080/", "http://[64:ff9b::a9fe:a9fe]/",
                          "http://[2002:7f00:1::1]/", "http://2130706433/", "http://0x7f.1/"}) {
    auto r = ResolveWebhookTarget(url, false);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().field, "webhook_url") << url;
  }
}

TEST(SsrfGuardTest, ParsesTheHostKeyWithoutResolving) {
  auto url = ParseWebhookUrl("https://Hooks.Example.COM/path?q=1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->HostKey(), "hooks.example.com:443");
  EXPECT_EQ(ParseWebhookUrl("http://no-such-host.invalid:8080/")->HostKey(),
            "no-such-host.invalid:8080");
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
