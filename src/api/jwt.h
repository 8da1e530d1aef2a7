// JWT bearer tokens (RFC 7519, JWS compact form): verification against a
// fixed set of keys, and HS256 signing for the tokens Vox issues itself.
//
// Each key has one algorithm, decided by its type when it is loaded (an HMAC
// secret is HS256 only, an RSA key RS256 only, a P-256 key ES256 only), and a
// token's "alg" selects only keys of that algorithm: "none", and an RSA
// public key used as an HS256 secret (algorithm confusion), match no key.
// Checked: exp (required), nbf, with a leeway; iss and aud when the key names
// them; sub (required). Every refusal is kUnauthenticated with a reason.
//
// OpenSSL EVP directly rather than a JWT library: Debian 12's libjwt (1.10)
// and cpp-jwt read no JWKS, so the JWK-to-key conversion needs EVP anyway,
// and libjwt verifies with the token's own "alg" (confusion is then the
// caller's to prevent). The code is small: three algorithms, one parser.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/base64.h"
#include "common/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace vox::api {

enum class JwtAlg { kHs256, kRs256, kEs256 };
std::string_view JwtAlgName(JwtAlg alg);

struct JwtKey {
  JwtAlg alg = JwtAlg::kHs256;
  std::string kid;                 // empty: matches a token with any kid (or none)
  std::string secret;              // HS256
  std::shared_ptr<EVP_PKEY> pkey;  // RS256 / ES256: a public key
  // Claims a token verified by this key must carry (empty: not checked).
  std::string issuer;
  std::string audience;
  bool vox_issued = false;  // Vox's own OAuth2 tokens (oauth_token.h)
};

// Keys from a PEM public key (RSA or EC P-256) or a JWKS document
// ({"keys":[{"kty":"RSA","n","e"} | {"kty":"EC","crv":"P-256","x","y"}, ...]},
// each with an optional "kid" and "alg"; keys not for signatures are skipped).
// kInvalidArgument naming `setting` when nothing usable is in it.
Result<std::vector<JwtKey>> LoadPublicKeys(std::string_view pem_or_jwks, std::string_view setting);

struct VerifiedJwt {
  nlohmann::json claims;  // an object; sub and exp are known to be there
  const JwtKey* key = nullptr;
};

class JwtVerifier {
 public:
  static constexpr size_t kMaxTokenBytes = 8192;

  JwtVerifier(std::vector<JwtKey> keys, int64_t leeway_s)
      : keys_(std::move(keys)), leeway_s_(leeway_s) {}

  bool empty() const { return keys_.empty(); }
  // `now_s`: seconds since the epoch. Thread-safe (the keys are immutable).
  Result<VerifiedJwt> Verify(std::string_view token, int64_t now_s) const;

 private:
  std::vector<JwtKey> keys_;
  int64_t leeway_s_;
};

// "header.payload.signature" signed with HS256 and `secret`; the header is
// {"alg":"HS256","typ":"JWT"} plus "kid" when given.
std::string SignJwtHs256(const nlohmann::json& claims, std::string_view secret,
                         std::string_view kid = {});

}  // namespace vox::api
