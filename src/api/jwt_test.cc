// JWT verification with real keys and real signatures: RSA and P-256 keys
// generated here with OpenSSL, tokens signed with EVP, and every refusal the
// verifier owes (alg none, algorithm confusion, time, audience, issuer,
// signature, shape).
#include "api/jwt.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "api/testing/jwt_signing.h"
#include "common/crypto.h"

namespace vox::api {
namespace {

using nlohmann::json;
using testing::PublicPem;
constexpr int64_t kNow = 1'800'000'000;

std::shared_ptr<EVP_PKEY> NewRsa() {
  return std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}),
                                   EVP_PKEY_free);
}
std::shared_ptr<EVP_PKEY> NewP256() {
  return std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
                                   EVP_PKEY_free);
}

std::string BnParam(EVP_PKEY* pkey, const char* name, size_t pad = 0) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(pkey, name, &bn);
  std::string out(std::max<size_t>(pad, BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

std::string Mint(const json& header, const json& claims, EVP_PKEY* pkey) {
  std::string part = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  return part + "." + Base64UrlEncode(testing::SignSha256(pkey, part));
}
std::string MintHs(const json& header, const json& claims, std::string_view secret) {
  std::string part = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  return part + "." + Base64UrlEncode(HmacSha256(secret, part));
}

json Claims() { return {{"sub", "user-1"}, {"exp", kNow + 600}, {"scope", "tts:read tts:write"}}; }

JwtKey KeyFor(std::shared_ptr<EVP_PKEY> pkey) {
  auto keys = LoadPublicKeys(PublicPem(pkey.get()), "VOX_JWT_PUBLIC_KEY_FILE");
  EXPECT_TRUE(keys) << keys.error().ToString();
  return keys->at(0);
}

std::string Reason(const Result<VerifiedJwt>& r) {
  EXPECT_FALSE(r);
  if (r) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  return r.error().message;
}

TEST(Jwt, VerifiesRs256FromAPemAndEs256FromAJwks) {
  auto rsa = NewRsa();
  JwtVerifier rs({KeyFor(rsa)}, 30);
  auto ok = rs.Verify(Mint({{"alg", "RS256"}, {"typ", "JWT"}}, Claims(), rsa.get()), kNow);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->claims["sub"], "user-1");

  auto ec = NewP256();
  json jwks = {{"keys",
                {{{"kty", "EC"},
                  {"crv", "P-256"},
                  {"kid", "ec-1"},
                  {"x", Base64UrlEncode(BnParam(ec.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))},
                  {"y", Base64UrlEncode(BnParam(ec.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32))}},
                 {{"kty", "RSA"},
                  {"kid", "rsa-1"},
                  {"n", Base64UrlEncode(BnParam(rsa.get(), OSSL_PKEY_PARAM_RSA_N))},
                  {"e", Base64UrlEncode(BnParam(rsa.get(), OSSL_PKEY_PARAM_RSA_E))}},
                 {{"kty", "RSA"}, {"use", "enc"}, {"n", "AQAB"}, {"e", "AQAB"}}}}};
  auto keys = LoadPublicKeys(jwks.dump(), "VOX_JWT_PUBLIC_KEY_FILE");
  ASSERT_TRUE(keys) << keys.error().ToString();
  ASSERT_EQ(keys->size(), 2u);  // the encryption key is skipped
  JwtVerifier set(std::move(*keys), 30);
  auto es = set.Verify(Mint({{"alg", "ES256"}, {"kid", "ec-1"}}, Claims(), ec.get()), kNow);
  ASSERT_TRUE(es) << es.error().ToString();
  auto rs_kid = set.Verify(Mint({{"alg", "RS256"}, {"kid", "rsa-1"}}, Claims(), rsa.get()), kNow);
  ASSERT_TRUE(rs_kid) << rs_kid.error().ToString();
  // A kid the set does not hold finds no key.
  EXPECT_NE(Reason(set.Verify(Mint({{"alg", "ES256"}, {"kid", "ec-2"}}, Claims(), ec.get()), kNow))
                .find("no key"),
            std::string::npos);
}

TEST(Jwt, RefusesAlgNoneAndAlgorithmConfusion) {
  auto rsa = NewRsa();
  const std::string pem = PublicPem(rsa.get());
  JwtVerifier verifier({KeyFor(rsa)}, 30);
  // alg none, with and without a signature.
  std::string none =
      Base64UrlEncode(json{{"alg", "none"}}.dump()) + "." + Base64UrlEncode(Claims().dump());
  EXPECT_NE(Reason(verifier.Verify(none + ".", kNow)).find("algorithm"), std::string::npos);
  EXPECT_NE(Reason(verifier.Verify(none + ".c2ln", kNow)).find("algorithm"), std::string::npos);
  for (const char* alg : {"None", "NONE", "HS384", "RS512", "PS256", "EdDSA"}) {
    EXPECT_FALSE(verifier.Verify(MintHs({{"alg", alg}}, Claims(), pem), kNow)) << alg;
  }
  // The RSA public key (PEM text, or its DER) used as an HS256 secret.
  EXPECT_NE(Reason(verifier.Verify(MintHs({{"alg", "HS256"}}, Claims(), pem), kNow)).find("no key"),
            std::string::npos);
  // An RS256 token signed by another key.
  auto other = NewRsa();
  EXPECT_NE(Reason(verifier.Verify(Mint({{"alg", "RS256"}}, Claims(), other.get()), kNow))
                .find("bad signature"),
            std::string::npos);
  // ES256 header on an RSA-only verifier.
  auto ec = NewP256();
  EXPECT_FALSE(verifier.Verify(Mint({{"alg", "ES256"}}, Claims(), ec.get()), kNow));
}

TEST(Jwt, Hs256AndTheTimeClaims) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  JwtVerifier v({JwtKey{.alg = JwtAlg::kHs256, .secret = secret}}, 30);
  ASSERT_TRUE(v.Verify(MintHs({{"alg", "HS256"}}, Claims(), secret), kNow));
  EXPECT_TRUE(v.Verify(SignJwtHs256(Claims(), secret), kNow));
  EXPECT_NE(Reason(v.Verify(MintHs({{"alg", "HS256"}}, Claims(), "another secret........"), kNow))
                .find("bad signature"),
            std::string::npos);

  json c = Claims();
  c["exp"] = kNow - 31;
  EXPECT_NE(Reason(v.Verify(SignJwtHs256(c, secret), kNow)).find("expired"), std::string::npos);
  c["exp"] = kNow - 29;  // within the leeway
  EXPECT_TRUE(v.Verify(SignJwtHs256(c, secret), kNow));
  c = Claims();
  c.erase("exp");
  EXPECT_NE(Reason(v.Verify(SignJwtHs256(c, secret), kNow)).find("no exp"), std::string::npos);
  c["exp"] = "tomorrow";
  EXPECT_FALSE(v.Verify(SignJwtHs256(c, secret), kNow));
  c = Claims();
  c["nbf"] = kNow + 31;
  EXPECT_NE(Reason(v.Verify(SignJwtHs256(c, secret), kNow)).find("not yet valid"),
            std::string::npos);
  c["nbf"] = kNow + 29;
  EXPECT_TRUE(v.Verify(SignJwtHs256(c, secret), kNow));
  c["nbf"] = "soon";
  EXPECT_FALSE(v.Verify(SignJwtHs256(c, secret), kNow));
  c = Claims();
  c.erase("sub");
  EXPECT_NE(Reason(v.Verify(SignJwtHs256(c, secret), kNow)).find("no sub"), std::string::npos);
  c["sub"] = "user";
  c["scope"] = json::array({"tts:read"});
  EXPECT_FALSE(v.Verify(SignJwtHs256(c, secret), kNow));
}

TEST(Jwt, AudienceAndIssuerWhenTheKeyNamesThem) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  JwtVerifier v({JwtKey{.alg = JwtAlg::kHs256,
                        .secret = secret,
                        .issuer = "https://idp.example",
                        .audience = "vox"}},
                30);
  json c = Claims();
  c["iss"] = "https://idp.example";
  c["aud"] = "vox";
  EXPECT_TRUE(v.Verify(SignJwtHs256(c, secret), kNow));
  c["aud"] = json::array({"other", "vox"});
  EXPECT_TRUE(v.Verify(SignJwtHs256(c, secret), kNow));
  c["aud"] = json::array({"other"});
  EXPECT_NE(Reason(v.Verify(SignJwtHs256(c, secret), kNow)).find("audience"), std::string::npos);
  c.erase("aud");
  EXPECT_NE(Reason(v.Verify(SignJwtHs256(c, secret), kNow)).find("audience"), std::string::npos);
  c["aud"] = "vox";
  c["iss"] = "https://evil.example";
  EXPECT_NE(Reason(v.Verify(SignJwtHs256(c, secret), kNow)).find("issuer"), std::string::npos);
  c.erase("iss");
  EXPECT_NE(Reason(v.Verify(SignJwtHs256(c, secret), kNow)).find("issuer"), std::string::npos);
}

TEST(Jwt, RefusesMalformedAndOversizedTokens) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  JwtVerifier v({JwtKey{.alg = JwtAlg::kHs256, .secret = secret}}, 30);
  const std::string good = SignJwtHs256(Claims(), secret);
  for (std::string bad :
       {std::string(""), std::string("a.b"), std::string("a.b.c.d"), std::string("..."), good + "x",
        "x" + good, good.substr(1), std::string("e30.e30."), std::string("bnVsbA.e30.c2ln")}) {
    EXPECT_FALSE(v.Verify(bad, kNow)) << bad;
  }
  // A signature changed in one character.
  std::string flipped = good;
  flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v.Verify(flipped, kNow));
  // A payload that is not JSON, properly signed.
  std::string part = Base64UrlEncode(R"({"alg":"HS256"})") + "." + Base64UrlEncode("not json");
  EXPECT_NE(Reason(v.Verify(part + "." + Base64UrlEncode(HmacSha256(secret, part)), kNow))
                .find("malformed payload"),
            std::string::npos);
  // A 1 MB header is refused by size before anything is decoded.
  std::string huge = Base64UrlEncode(std::string(1 << 20, ' ')) + "." + good;
  EXPECT_NE(Reason(v.Verify(huge, kNow)).find("too large"), std::string::npos);
  // crit headers are not understood, so refused.
  EXPECT_FALSE(v.Verify(MintHs({{"alg", "HS256"}, {"crit", {"exp"}}}, Claims(), secret), kNow));
}

TEST(Jwt, LoadPublicKeysRefusesWhatItCannotUse) {
  EXPECT_FALSE(LoadPublicKeys("not a key", "VOX_JWT_PUBLIC_KEY_FILE"));
  EXPECT_FALSE(LoadPublicKeys(R"({"keys":[]})", "VOX_JWT_PUBLIC_KEY_FILE"));
  EXPECT_FALSE(LoadPublicKeys(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})", "X"));
  EXPECT_FALSE(LoadPublicKeys(R"({"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]})", "X"));
  EXPECT_FALSE(LoadPublicKeys(R"({"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]})", "X"));
  auto small = std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}),
                                         EVP_PKEY_free);
  auto refused = LoadPublicKeys(PublicPem(small.get()), "VOX_JWT_PUBLIC_KEY_FILE");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "VOX_JWT_PUBLIC_KEY_FILE");
  auto p384 =
      std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"), EVP_PKEY_free);
  EXPECT_FALSE(LoadPublicKeys(PublicPem(p384.get()), "X"));
}

// Found by api_fuzz_jwt: a member of the wrong type threw json's type_error out of
// LoadPublicKeys (the server died at start-up instead of naming the setting).
TEST(Jwt, JwksMembersOfTheWrongTypeAreAnErrorNotAnException) {
  for (const char* jwks : {R"({"keys":[{"kty":"EC","use":1}]})", R"({"keys":[{"kty":["RSA"]}]})",
                           R"({"keys":[{"kty":"RSA","kid":7}]})",
                           R"({"keys":[{"kty":"EC","crv":256,"x":"AA","y":"AA"}]})",
                           R"({"keys":[{"kty":"RSA","alg":null}]})"}) {
    auto keys = LoadPublicKeys(jwks, "VOX_JWT_PUBLIC_KEY_FILE");
    ASSERT_FALSE(keys) << jwks;
    EXPECT_EQ(keys.error().code, ErrorCode::kInvalidArgument) << jwks;
    EXPECT_EQ(keys.error().field, "VOX_JWT_PUBLIC_KEY_FILE") << jwks;
  }
}

}  // namespace
}  // namespace vox::api
