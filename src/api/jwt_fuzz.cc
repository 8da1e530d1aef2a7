// libFuzzer entry for JWT verification and key loading (target api_fuzz_jwt).
//
// An input starting with '{' or '-' is a JWKS document or PEM for LoadPublicKeys; anything
// else is a bearer token for JwtVerifier::Verify, against fixed HS256, RS256 and ES256 test
// keys (jwt_fuzz_keys.h). Beyond sanitizers it traps when:
//   - a token is accepted that the harness did not sign: an HS256/RS256 token must be
//     byte-identical to one signed at start-up (both signatures are deterministic, and so are
//     the committed seeds); an ES256 one (randomized signatures) must sign the same
//     header.payload bytes as one of them;
//   - a verifier holding only the RSA key accepts anything but one of those RS256 tokens
//     (alg "none" and HS256 with the public key as the secret: algorithm confusion);
//   - a refusal is not kUnauthenticated on "Authorization" with an "invalid token: " reason,
//     or two verifications of the same token disagree;
//   - loaded keys are empty or keyless, a load error is not kInvalidArgument on the setting,
//     or a fuzzed key set verifies a signed token while holding neither of the test keys.
// Start-up checks: every signed token verifies, a 1 MB header and alg "none" are refused.
// VOX_FUZZ_WRITE_SEEDS=DIR writes the seed tokens and key sets (tests/fuzz/make_seeds.sh jwt).
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/jwt.h"
#include "api/jwt_fuzz_keys.h"
#include "api/testing/jwt_signing.h"
#include "common/crypto.h"

namespace {

using nlohmann::json;
using vox::api::JwtAlg;
using vox::api::JwtKey;
using vox::api::JwtVerifier;
using vox::api::testing::PublicPem;

constexpr int64_t kNow = 1'800'000'000;
constexpr std::string_view kHsSecret = "fuzz-hs256-test-secret";

struct Fixture {
  std::shared_ptr<EVP_PKEY> rsa_private, ec_private;
  std::string rsa_public_pem, ec_public_pem;
  std::unique_ptr<JwtVerifier> verifier;     // HS256 (kid hs1, iss/aud vox), RS256, ES256 (es1)
  std::unique_ptr<JwtVerifier> rsa_only;     // the RS256 key alone
  std::set<std::string> exact_tokens;        // HS256 and RS256: accepted only byte for byte
  std::set<std::string> es256_signed_parts;  // ES256: header.payload of a token signed here
  std::vector<std::pair<std::string, std::string>> seeds;  // name, content
};

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

std::shared_ptr<EVP_PKEY> PrivateKey(const char* pem) {
  BIO* bio = BIO_new_mem_buf(pem, -1);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  Check(key != nullptr);
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::string Sign(EVP_PKEY* key, std::string_view data) {
  std::string sig = vox::api::testing::SignSha256(key, data);
  Check(!sig.empty());
  return sig;
}

std::string SignedPart(std::string_view alg, std::string_view kid, const json& claims) {
  nlohmann::ordered_json header = {{"alg", alg}, {"typ", "JWT"}};
  if (!kid.empty()) header["kid"] = kid;
  return vox::Base64UrlEncode(header.dump()) + "." + vox::Base64UrlEncode(claims.dump());
}

std::string Token(std::string_view signed_part, std::string_view signature) {
  return std::string(signed_part) + "." + vox::Base64UrlEncode(signature);
}

std::vector<JwtKey> Load(std::string_view text) {
  auto keys = vox::api::LoadPublicKeys(text, "jwks");
  Check(keys.has_value());
  return std::move(*keys);
}

std::string BnParam(EVP_PKEY* key, const char* name, size_t pad) {
  BIGNUM* bn = nullptr;
  Check(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
  std::string out(std::max<size_t>(pad, BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return vox::Base64UrlEncode(out);
}

// A JWKS as an identity provider serves it: both public keys, plus an encryption key and an
// HMAC key that must be skipped.
std::string Jwks(EVP_PKEY* rsa, EVP_PKEY* ec) {
  const json keys = json::array({{{"kty", "RSA"},
                                  {"kid", "r1"},
                                  {"use", "sig"},
                                  {"alg", "RS256"},
                                  {"n", BnParam(rsa, OSSL_PKEY_PARAM_RSA_N, 0)},
                                  {"e", BnParam(rsa, OSSL_PKEY_PARAM_RSA_E, 0)}},
                                 {{"kty", "EC"},
                                  {"kid", "es1"},
                                  {"crv", "P-256"},
                                  {"x", BnParam(ec, OSSL_PKEY_PARAM_EC_PUB_X, 32)},
                                  {"y", BnParam(ec, OSSL_PKEY_PARAM_EC_PUB_Y, 32)}},
                                 {{"kty", "RSA"}, {"use", "enc"}, {"n", "AQAB"}, {"e", "AQAB"}},
                                 {{"kty", "oct"}, {"k", "c2VjcmV0"}}});
  return json{{"keys", keys}}.dump();
}

std::vector<json> ClaimSets() {
  const json base = {{"sub", "user-1"}, {"exp", kNow + 3600}, {"iss", "vox"}, {"aud", "vox"}};
  std::vector<json> sets(5, base);
  sets[1]["nbf"] = kNow - 10;
  sets[1]["iat"] = kNow - 10;
  sets[2]["aud"] = json::array({"other", "vox"});
  sets[2]["scope"] = "tts:read tts:write";
  sets[3]["exp"] = static_cast<double>(kNow) + 60.5;
  sets[3]["client_id"] = "c1";
  sets[4]["exp"] = kNow - 3600;  // expired: signed, still refused
  return sets;
}

Fixture MakeFixture() {
  Fixture f;
  f.rsa_private = PrivateKey(vox::api::fuzz::kRsaPrivatePem);
  f.ec_private = PrivateKey(vox::api::fuzz::kEcPrivatePem);
  f.rsa_public_pem = PublicPem(f.rsa_private.get());
  f.ec_public_pem = PublicPem(f.ec_private.get());

  std::vector<JwtKey> keys;
  keys.push_back(JwtKey{.alg = JwtAlg::kHs256,
                        .kid = "hs1",
                        .secret = std::string(kHsSecret),
                        .issuer = "vox",
                        .audience = "vox"});
  for (auto& k : Load(f.rsa_public_pem)) keys.push_back(std::move(k));
  for (auto& k : Load(f.ec_public_pem)) {
    k.kid = "es1";
    keys.push_back(std::move(k));
  }
  f.verifier = std::make_unique<JwtVerifier>(keys, 30);
  f.rsa_only = std::make_unique<JwtVerifier>(Load(f.rsa_public_pem), 30);

  const auto sets = ClaimSets();
  for (size_t i = 0; i < sets.size(); ++i) {
    const std::string n = std::to_string(i);
    const std::string hs = vox::api::SignJwtHs256(sets[i], kHsSecret, "hs1");
    const std::string rs_part = SignedPart("RS256", "", sets[i]);
    const std::string rs = Token(rs_part, Sign(f.rsa_private.get(), rs_part));
    const std::string es_part = SignedPart("ES256", "es1", sets[i]);
    const std::string es = Token(es_part, Sign(f.ec_private.get(), es_part));
    f.exact_tokens.insert({hs, rs});
    f.es256_signed_parts.insert(es_part);
    f.seeds.insert(f.seeds.end(), {{"hs256-" + n, hs}, {"rs256-" + n, rs}, {"es256-" + n, es}});
    // Every signed token verifies unless its claims are expired.
    const bool live = i != 4;
    for (const auto& t : {hs, rs, es}) Check(f.verifier->Verify(t, kNow).has_value() == live);
  }
  // Refusals that must hold whatever the fuzzer does.
  const std::string none = SignedPart("none", "", sets[0]) + ".";
  const std::string none_sig = Token(SignedPart("none", "", sets[0]), "x");
  const std::string confused = vox::api::SignJwtHs256(sets[0], f.rsa_public_pem);
  const std::string big = vox::Base64UrlEncode(std::string(1 << 20, '{')) + ".e30.c2ln";
  for (const auto& t : {none, none_sig, confused, big}) {
    Check(!f.verifier->Verify(t, kNow).has_value());
    Check(!f.rsa_only->Verify(t, kNow).has_value());
  }
  const std::string crit_part =
      vox::Base64UrlEncode(R"({"alg":"HS256","kid":"hs1","crit":["x"]})") + "." +
      vox::Base64UrlEncode(sets[0].dump());
  const std::string crit = Token(crit_part, vox::HmacSha256(kHsSecret, crit_part));
  Check(!f.verifier->Verify(crit, kNow).has_value());
  Check(Load(Jwks(f.rsa_private.get(), f.ec_private.get())).size() == 2);
  f.seeds.insert(f.seeds.end(), {{"alg-none", none},
                                 {"alg-none-signed", none_sig},
                                 {"alg-confusion", confused},
                                 {"crit", crit},
                                 {"jwks", Jwks(f.rsa_private.get(), f.ec_private.get())},
                                 {"pem-rsa", f.rsa_public_pem},
                                 {"pem-ec", f.ec_public_pem}});
  return f;
}

const Fixture& Get() {
  static const Fixture fixture = MakeFixture();
  return fixture;
}

bool SameKey(const std::shared_ptr<EVP_PKEY>& a, const std::shared_ptr<EVP_PKEY>& b) {
  return a && b && EVP_PKEY_eq(a.get(), b.get()) == 1;
}

void FuzzToken(const Fixture& f, std::string_view token) {
  auto result = f.verifier->Verify(token, kNow);
  auto again = f.verifier->Verify(token, kNow);
  Check(result.has_value() == again.has_value());
  if (!result) {
    Check(result.error().code == vox::ErrorCode::kUnauthenticated);
    Check(result.error().field == "Authorization");
    Check(result.error().message.starts_with("invalid token: "));
    Check(result.error().message == again.error().message);
  } else {
    Check(result->key != nullptr && result->claims.is_object());
    Check(result->claims.contains("sub") && result->claims.contains("exp"));
    if (result->key->alg == JwtAlg::kEs256) {
      Check(f.es256_signed_parts.contains(std::string(token.substr(0, token.rfind('.')))));
    } else {
      Check(f.exact_tokens.contains(std::string(token)));
    }
  }
  auto rsa = f.rsa_only->Verify(token, kNow);
  if (rsa) Check(rsa->key->alg == JwtAlg::kRs256 && f.exact_tokens.contains(std::string(token)));
}

void FuzzKeys(const Fixture& f, std::string_view text) {
  auto keys = vox::api::LoadPublicKeys(text, "jwks");
  if (!keys) {
    Check(keys.error().code == vox::ErrorCode::kInvalidArgument);
    Check(keys.error().field == "jwks");
    return;
  }
  Check(!keys->empty());
  const auto ours = Load(f.rsa_public_pem).front().pkey;
  const auto ours_ec = Load(f.ec_public_pem).front().pkey;
  bool holds_ours = false;
  for (const JwtKey& k : *keys) {
    Check(k.pkey != nullptr && k.alg != JwtAlg::kHs256);
    holds_ours = holds_ours || SameKey(k.pkey, ours) || SameKey(k.pkey, ours_ec);
  }
  if (holds_ours) return;
  const JwtVerifier loaded(std::move(*keys), 30);
  for (const auto& [name, token] : f.seeds) {
    if (name.starts_with("rs256") || name.starts_with("es256")) {
      Check(!loaded.Verify(token, kNow).has_value());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const Fixture& f = Get();
  if (const char* dir = std::getenv("VOX_FUZZ_WRITE_SEEDS")) {
    for (const auto& [name, content] : f.seeds)
      std::ofstream(std::string(dir) + "/" + name) << content;
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Fixture& f = Get();
  if (!input.empty() && (input.front() == '{' || input.front() == '-')) {
    FuzzKeys(f, input);
  } else {
    FuzzToken(f, input);
  }
  return 0;
}
