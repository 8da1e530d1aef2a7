#include "api/jwt.h"

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <array>
#include <cmath>

#include "common/crypto.h"

namespace vox::api {
namespace {

using nlohmann::json;

std::unexpected<Error> Refuse(std::string reason) {
  return MakeError(ErrorCode::kUnauthenticated, "invalid token: " + std::move(reason),
                   "Authorization");
}

std::optional<JwtAlg> ParseAlg(std::string_view name) {
  if (name == "HS256") return JwtAlg::kHs256;
  if (name == "RS256") return JwtAlg::kRs256;
  if (name == "ES256") return JwtAlg::kEs256;
  return std::nullopt;  // "none" and everything else
}

// One base64url segment as a JSON object, or nullopt.
std::optional<json> DecodeObject(std::string_view segment) {
  auto bytes = Base64UrlDecode(segment);
  if (!bytes) return std::nullopt;
  json j = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

// ES256's JWS signature is r||s (32 bytes each); EVP wants DER.
std::optional<std::string> EcdsaRawToDer(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(p, 32, nullptr);
  BIGNUM* s = BN_bin2bn(p + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int n = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

bool VerifyWithKey(EVP_PKEY* pkey, std::string_view signed_part, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

bool SignatureMatches(const JwtKey& key, std::string_view signed_part, std::string_view signature) {
  switch (key.alg) {
    case JwtAlg::kHs256:
      return !key.secret.empty() &&
             ConstantTimeEquals(HmacSha256(key.secret, signed_part), signature);
    case JwtAlg::kRs256:
      return key.pkey && VerifyWithKey(key.pkey.get(), signed_part, signature);
    case JwtAlg::kEs256: {
      auto der = EcdsaRawToDer(signature);
      return key.pkey && der && VerifyWithKey(key.pkey.get(), signed_part, *der);
    }
  }
  return false;
}

// A NumericDate claim (RFC 7519: seconds, possibly fractional), or nullopt.
std::optional<int64_t> NumericDate(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (!std::isfinite(v) || std::fabs(v) > 1e15) return std::nullopt;
  return static_cast<int64_t>(std::floor(v));
}

bool AudienceMatches(const json& aud, const std::string& wanted) {
  if (aud.is_string()) return aud.get<std::string>() == wanted;
  if (!aud.is_array()) return false;
  for (const json& a : aud) {
    if (a.is_string() && a.get<std::string>() == wanted) return true;
  }
  return false;
}

}  // namespace

std::string_view JwtAlgName(JwtAlg alg) {
  switch (alg) {
    case JwtAlg::kHs256:
      return "HS256";
    case JwtAlg::kRs256:
      return "RS256";
    case JwtAlg::kEs256:
      return "ES256";
  }
  return "?";
}

Result<VerifiedJwt> JwtVerifier::Verify(std::string_view token, int64_t now_s) const {
  if (token.size() > kMaxTokenBytes) return Refuse("too large");
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == token.npos ? token.npos : token.find('.', dot1 + 1);
  if (dot2 == token.npos || token.find('.', dot2 + 1) != token.npos) {
    return Refuse("not a JWS compact token (header.payload.signature)");
  }
  auto header = DecodeObject(token.substr(0, dot1));
  if (!header) return Refuse("malformed header");
  auto alg_it = header->find("alg");
  if (alg_it == header->end() || !alg_it->is_string()) return Refuse("no alg");
  auto alg = ParseAlg(alg_it->get<std::string>());
  if (!alg) return Refuse("algorithm not accepted (HS256, RS256, ES256)");
  if (header->contains("crit")) return Refuse("unsupported critical header");
  std::string kid;
  if (auto it = header->find("kid"); it != header->end()) {
    if (!it->is_string()) return Refuse("malformed kid");
    kid = it->get<std::string>();
  }
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!signature || signature->empty()) return Refuse("malformed signature");
  const std::string_view signed_part = token.substr(0, dot2);

  const JwtKey* key = nullptr;
  bool candidate = false;
  for (const JwtKey& k : keys_) {
    if (k.alg != *alg || (!k.kid.empty() && k.kid != kid)) continue;
    candidate = true;
    if (SignatureMatches(k, signed_part, *signature)) {
      key = &k;
      break;
    }
  }
  if (!candidate) return Refuse("no key for this alg and kid");
  if (key == nullptr) return Refuse("bad signature");

  // Only signed content is parsed past this point.
  auto claims = DecodeObject(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!claims) return Refuse("malformed payload");
  auto exp = NumericDate(*claims, "exp");
  if (!exp) return Refuse("no exp");
  if (now_s > *exp + leeway_s_) return Refuse("expired");
  if (claims->contains("nbf")) {
    auto nbf = NumericDate(*claims, "nbf");
    if (!nbf) return Refuse("malformed nbf");
    if (now_s + leeway_s_ < *nbf) return Refuse("not yet valid (nbf)");
  }
  if (!key->issuer.empty()) {
    auto iss = claims->find("iss");
    if (iss == claims->end() || !iss->is_string() || iss->get<std::string>() != key->issuer) {
      return Refuse("wrong issuer");
    }
  }
  if (!key->audience.empty()) {
    auto aud = claims->find("aud");
    if (aud == claims->end() || !AudienceMatches(*aud, key->audience)) {
      return Refuse("wrong audience");
    }
  }
  auto sub = claims->find("sub");
  if (sub == claims->end() || !sub->is_string() || sub->get<std::string>().empty()) {
    return Refuse("no sub");
  }
  if (auto scope = claims->find("scope"); scope != claims->end() && !scope->is_string()) {
    return Refuse("scope must be a space-separated string");
  }
  return VerifiedJwt{std::move(*claims), key};
}

std::string SignJwtHs256(const nlohmann::json& claims, std::string_view secret,
                         std::string_view kid) {
  nlohmann::ordered_json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  if (!kid.empty()) header["kid"] = kid;
  std::string signed_part = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  return signed_part + "." + Base64UrlEncode(HmacSha256(secret, signed_part));
}

}  // namespace vox::api
