// LoadPublicKeys: a PEM public key or a JWKS document as JwtKeys (jwt.h).
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "api/jwt.h"

namespace vox::api {
namespace {

using nlohmann::json;

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

// The algorithm a public key can verify, by its type: RSA → RS256, P-256 → ES256.
std::optional<JwtAlg> AlgOf(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA"))
    return EVP_PKEY_get_bits(pkey) >= 2048 ? std::optional(JwtAlg::kRs256) : std::nullopt;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) == 1 &&
        std::string_view(group, len) == "prime256v1") {
      return JwtAlg::kEs256;
    }
  }
  return std::nullopt;
}

// A public key from OSSL parameters (`type` "RSA" or "EC").
std::shared_ptr<EVP_PKEY> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) pkey = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return pkey ? Own(pkey) : nullptr;
}

// A string member, `fallback` when absent, nullopt when present but not a string (json's
// value() would throw there).
std::optional<std::string> Text(const json& jwk, const char* name, const char* fallback) {
  auto it = jwk.find(name);
  if (it == jwk.end()) return fallback;
  if (!it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::string> Member(const json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return std::nullopt;
  return Base64UrlDecode(it->get<std::string>());
}

std::shared_ptr<EVP_PKEY> RsaFromJwk(const json& jwk) {
  auto n = Member(jwk, "n");
  auto e = Member(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) return nullptr;
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), n->size(), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), e->size(), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  std::shared_ptr<EVP_PKEY> key;
  if (bld && bn_n && bn_e && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
    key = FromParams("RSA", bld);
  }
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return key;
}

std::shared_ptr<EVP_PKEY> EcFromJwk(const json& jwk) {
  if (Text(jwk, "crv", "") != "P-256") return nullptr;
  auto x = Member(jwk, "x");
  auto y = Member(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
  std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  std::shared_ptr<EVP_PKEY> key;
  if (bld &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) ==
          1) {
    key = FromParams("EC", bld);
  }
  OSSL_PARAM_BLD_free(bld);
  return key;
}

Result<std::vector<JwtKey>> FromJwks(std::string_view text, std::string_view setting) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    return InvalidArgument("JWKS: " + why, std::string(setting));
  };
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return bad("expected {\"keys\": [...]}");
  }
  std::vector<JwtKey> keys;
  for (const json& jwk : doc["keys"]) {
    if (!jwk.is_object()) return bad("a key is not an object");
    const auto use = Text(jwk, "use", "sig"), kty = Text(jwk, "kty", "");
    const auto kid = Text(jwk, "kid", ""), alg = Text(jwk, "alg", "");
    if (!use || !kty || !kid || !alg) return bad("a key's use, kty, kid and alg must be strings");
    if (*use != "sig") continue;  // encryption keys are not ours
    JwtKey key;
    key.kid = *kid;
    if (*kty == "RSA") {
      key.alg = JwtAlg::kRs256;
      key.pkey = RsaFromJwk(jwk);
    } else if (*kty == "EC") {
      key.alg = JwtAlg::kEs256;
      key.pkey = EcFromJwk(jwk);
    } else {
      continue;  // oct and OKP keys: not accepted from a public key set
    }
    if (!key.pkey || AlgOf(key.pkey.get()) != key.alg) {
      return bad("key '" + key.kid + "' is not a valid RSA (2048+ bits) or P-256 public key");
    }
    if (jwk.contains("alg") && *alg != JwtAlgName(key.alg)) continue;
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return bad("no RS256 or ES256 signing key");
  return keys;
}

}  // namespace

Result<std::vector<JwtKey>> LoadPublicKeys(std::string_view text, std::string_view setting) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start != text.npos && text[start] == '{') return FromJwks(text, setting);
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  EVP_PKEY* pkey = bio ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (pkey == nullptr) {
    return InvalidArgument("not a PEM public key (BEGIN PUBLIC KEY) or a JWKS document",
                           std::string(setting));
  }
  JwtKey key;
  key.pkey = Own(pkey);
  auto alg = AlgOf(pkey);
  if (!alg) {
    return InvalidArgument("the public key must be RSA (2048+ bits, RS256) or EC P-256 (ES256)",
                           std::string(setting));
  }
  key.alg = *alg;
  return std::vector<JwtKey>{std::move(key)};
}

}  // namespace vox::api
