// Test helpers for JWTs signed with real keys: a public key's PEM, and a JWS signature over
// SHA-256 (ES256's DER form turned into JWS's r||s). Header-only, OpenSSL's C API only, so
// both the g++ tests (jwt_test.cc) and the clang/libc++ fuzz target (jwt_fuzz.cc) use it.
#pragma once

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>
#include <string_view>

namespace vox::api::testing {

inline std::string PublicPem(EVP_PKEY* pkey) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, pkey);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

// Empty when OpenSSL cannot sign with `pkey`.
inline std::string SignSha256(EVP_PKEY* pkey, std::string_view data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t n = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  std::string sig;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
      EVP_DigestSign(ctx, nullptr, &n, in, data.size()) == 1) {
    sig.resize(n);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &n, in, data.size()) !=
        1) {
      n = 0;
    }
    sig.resize(n);
  }
  EVP_MD_CTX_free(ctx);
  if (sig.empty() || !EVP_PKEY_is_a(pkey, "EC")) return sig;
  const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
  if (es == nullptr) return {};
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(es);
  return raw;
}

}  // namespace vox::api::testing
