// The client credentials grant and bearer tokens inside one process: a real
// SQLite store, clients made by CreateClient, tokens from OAuthTokenService,
// verified by the Authenticator as a request's header would be.
#include "api/oauth_token.h"

#include <gtest/gtest.h>

#include "api/authenticator.h"
#include "api/oauth_clients.h"
#include "common/crypto.h"

namespace vox::api {
namespace {

using nlohmann::json;
constexpr char kSigningSecret[] = "signing-secret-signing-secret-0123456789";
constexpr char kExternalSecret[] = "external-issuer-secret-0123456789abcdef";
constexpr int64_t kTtl = 600;

std::unique_ptr<store::Store> MigratedMemoryStore() {
  auto opened = store::OpenStore("sqlite::memory:");
  if (!opened || !(*opened)->Migrate()) return nullptr;
  return std::move(*opened);
}

class OAuthTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_);
    auto created = CreateClient(*store_,
                                {.name = "ci",
                                 .scopes = *ParseScopes("tts:read tts:write voices:read"),
                                 .project = "pipeline"},
                                clock_.NowMs());
    ASSERT_TRUE(created) << created.error().ToString();
    client_ = *created;
  }

  http::Response Post(const std::string& body, std::optional<std::string> authorization = {},
                      std::string content_type = "application/x-www-form-urlencoded") {
    return service_.Token({content_type, authorization, body});
  }
  std::string Form(const std::string& extra = "") const {
    return "grant_type=client_credentials&client_id=" + client_.client.id +
           "&client_secret=" + client_.secret + extra;
  }
  static json Body(const http::Response& r) { return json::parse(r.body, nullptr, false); }
  static void ExpectError(const http::Response& r, int status, const std::string& error) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(Body(r).value("error", ""), error) << r.body;
    EXPECT_TRUE(Body(r).contains("error_description")) << r.body;
    EXPECT_EQ(r.headers.Get("Cache-Control").value_or(""), "no-store");
    EXPECT_EQ(r.headers.Get("WWW-Authenticate").has_value(), status == 401);
  }
  Result<Principal> Use(const std::string& token) { return auth_.Authenticate("Bearer " + token); }
  std::string IssueToken(const std::string& extra = "") {
    http::Response r = Post(Form(extra));
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r).value("access_token", "");
  }

  ManualClock clock_;
  std::unique_ptr<store::Store> store_ = MigratedMemoryStore();
  CreatedClient client_;
  OAuthTokenService service_{*store_, VoxTokenKey(kSigningSecret), kTtl, clock_};
  JwtVerifier verifier_{
      {JwtKey{.alg = JwtAlg::kHs256, .secret = kExternalSecret}, VoxTokenKey(kSigningSecret)}, 30};
  Authenticator auth_{*store_, clock_, /*cache_ttl_ms=*/0, &verifier_};
};

TEST_F(OAuthTokenTest, IssuesATokenThatAuthenticatesAsTheClient) {
  http::Response r = Post(Form());
  ASSERT_EQ(r.status, 200) << r.body;
  json body = Body(r);
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["expires_in"], kTtl);
  EXPECT_EQ(body["scope"], "tts:read tts:write voices:read");
  EXPECT_EQ(r.headers.Get("Cache-Control").value_or(""), "no-store");
  auto who = Use(body["access_token"]);
  ASSERT_TRUE(who) << who.error().ToString();
  EXPECT_EQ(who->user_id, client_.client.user_id);
  EXPECT_EQ(who->key_id, client_.client.id);
  EXPECT_EQ(who->project, "pipeline");
  EXPECT_EQ(who->scopes, *ParseScopes("tts:read tts:write voices:read"));
  EXPECT_FALSE(who->is_admin);
  // The secret is stored hashed, never as given.
  auto stored = store_->GetOAuthClient(client_.client.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->secret_hash, HashClientSecret(client_.secret));
  EXPECT_EQ(stored->secret_hash.find(client_.secret), std::string::npos);
}

TEST_F(OAuthTokenTest, HttpBasicAndScopeNarrowing) {
  const std::string basic = "Basic " + Base64Encode(client_.client.id + ":" + client_.secret);
  http::Response r = Post("grant_type=client_credentials&scope=tts%3Aread", basic);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["scope"], "tts:read");
  auto who = Use(Body(r)["access_token"]);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->scopes, *ParseScopes("tts:read"));
  EXPECT_FALSE(
      auth_.Authorize("Bearer " + Body(r)["access_token"].get<std::string>(), Scope::kTtsWrite));
  ExpectError(Post("grant_type=client_credentials&scope=voices:write", basic), 400,
              "invalid_scope");
  ExpectError(Post("grant_type=client_credentials&scope=admin", basic), 400, "invalid_scope");
  ExpectError(Post("grant_type=client_credentials&scope=tts:erase", basic), 400, "invalid_scope");
}

TEST_F(OAuthTokenTest, Rfc6749Errors) {
  const std::string id = client_.client.id;
  ExpectError(Post("grant_type=client_credentials&client_id=" + id + "&client_secret=wrong"), 401,
              "invalid_client");
  ExpectError(
      Post("grant_type=client_credentials&client_id=vc_nobody&client_secret=" + client_.secret),
      401, "invalid_client");
  ExpectError(Post("grant_type=client_credentials"), 401, "invalid_client");
  ExpectError(Post("grant_type=client_credentials&client_id=" + id +
                   "&client_secret=" + client_.secret + "%00"),
              401, "invalid_client");  // a NUL byte in the secret
  ExpectError(Post("grant_type=client_credentials&client_id=" + id +
                   "&client_secret=" + std::string(10000, 'a')),
              401, "invalid_client");
  ExpectError(Post("grant_type=client_credentials", "Basic !!!"), 401, "invalid_client");
  ExpectError(Post("grant_type=client_credentials", "Basic " + Base64Encode("no-colon")), 401,
              "invalid_client");
  ExpectError(Post(Form(), "Basic " + Base64Encode(id + ":" + client_.secret)), 400,
              "invalid_request");
  ExpectError(Post("client_id=" + id + "&client_secret=" + client_.secret), 400, "invalid_request");
  ExpectError(Post(Form("&grant_type=client_credentials")), 400, "invalid_request");
  ExpectError(Post(Form(), std::nullopt, "application/json"), 400, "invalid_request");
  ExpectError(Post("grant_type=password&client_id=" + id + "&client_secret=" + client_.secret), 400,
              "unsupported_grant_type");
  ExpectError(
      Post("grant_type=authorization_code&client_id=" + id + "&client_secret=" + client_.secret),
      400, "unsupported_grant_type");
}

TEST_F(OAuthTokenTest, ARevokedClientGetsNoTokenAndItsTokensStop) {
  std::string token = IssueToken();
  ASSERT_TRUE(Use(token));
  ASSERT_TRUE(store_->RevokeOAuthClient(client_.client.id, clock_.NowMs()));
  ExpectError(Post(Form()), 401, "invalid_client");
  auto refused = Use(token);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(OAuthTokenTest, TokensExpire) {
  std::string token = IssueToken();
  clock_.Advance((kTtl + 29) * 1000);  // within the leeway
  EXPECT_TRUE(Use(token));
  clock_.Advance(2000);
  auto expired = Use(token);
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
}

TEST_F(OAuthTokenTest, TokensSignedUnderAnotherSecretAreRefused) {
  OAuthTokenService other(*store_, VoxTokenKey("another-signing-secret-0123456789abcd"), kTtl,
                          clock_);
  http::Response r = other.Token({"application/x-www-form-urlencoded", std::nullopt, Form()});
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(Use(Body(r)["access_token"]));
  // Nor does an external issuer's secret stand in for Vox's key: claims alike, refused.
  json claims = {{"iss", "vox"},
                 {"aud", "vox"},
                 {"sub", client_.client.user_id},
                 {"client_id", client_.client.id},
                 {"scope", "admin"},
                 {"exp", clock_.NowMs() / 1000 + 60}};
  auto external = Use(SignJwtHs256(claims, kExternalSecret, "vox-oauth"));
  ASSERT_TRUE(external) << "an external issuer's token, for the client's user";
  EXPECT_FALSE(external->is_admin);  // its user is no admin
  EXPECT_EQ(external->key_id, "jwt:" + client_.client.user_id);
}

TEST_F(OAuthTokenTest, ExternalTokensNeedAKnownSubjectAndKeepOnlyKnownScopes) {
  const int64_t exp = clock_.NowMs() / 1000 + 60;
  auto unknown = Use(SignJwtHs256({{"sub", "someone"}, {"exp", exp}}, kExternalSecret));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(unknown.error().message.find("unknown subject"), std::string::npos);
  auto who = Use(SignJwtHs256({{"sub", client_.client.user_id},
                               {"exp", exp},
                               {"scope", "openid voices:read profile admin"}},
                              kExternalSecret));
  ASSERT_TRUE(who) << who.error().ToString();
  EXPECT_EQ(who->scopes, *ParseScopes("voices:read"));  // admin dropped: not an admin user
  auto denied = auth_.Authorize(
      "Bearer " + SignJwtHs256({{"sub", client_.client.user_id}, {"exp", exp}}, kExternalSecret),
      Scope::kTtsRead);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(denied.error().field, "scope");
}

TEST_F(OAuthTokenTest, CreateClientRefusesAdminForANonAdminUser) {
  auto admin = CreateClient(*store_, {.name = "x", .scopes = ScopeSet::All()}, clock_.NowMs());
  ASSERT_FALSE(admin);
  EXPECT_EQ(admin.error().field, "scopes");
  auto unknown_user =
      CreateClient(*store_, {.name = "x", .user_id = "no-such-user"}, clock_.NowMs());
  ASSERT_FALSE(unknown_user);
  EXPECT_EQ(unknown_user.error().field, "user");
  auto same_user =
      CreateClient(*store_, {.name = "second", .user_id = client_.client.user_id}, clock_.NowMs());
  ASSERT_TRUE(same_user) << same_user.error().ToString();
  EXPECT_EQ(same_user->client.user_id, client_.client.user_id);
  EXPECT_NE(same_user->client.id, client_.client.id);
}

}  // namespace
}  // namespace vox::api
