#include "blob/sealed_field_cipher.h"

#include <sodium.h>

#include "common/base64.h"

namespace vox::blob {
namespace {

constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kKeyIdChars = 16;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// The key id of a sealed value ("" when it is not sealed or too short to hold one).
std::string_view SealedKeyId(std::string_view stored) {
  if (!IsSealedField(stored)) return {};
  std::string_view rest = stored.substr(kSealedFieldPrefix.size());
  if (rest.size() < kKeyIdChars + 1 || rest[kKeyIdChars] != ':') return {};
  return rest.substr(0, kKeyIdChars);
}

}  // namespace

std::string SealedFieldCipher::Seal(std::string_view plaintext, std::string_view context) const {
  EnsureSodium();
  const EncryptionKey& key = keys_.current();
  std::string box(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &written, Bytes(plaintext),
                                             plaintext.size(), Bytes(context), context.size(),
                                             nullptr, nonce, Bytes(key.bytes));
  box.resize(kNonceBytes + written);
  return std::string(kSealedFieldPrefix) + key.id + ":" + Base64Encode(box);
}

Result<std::string> SealedFieldCipher::Open(std::string_view stored,
                                            std::string_view context) const {
  if (!IsSealedField(stored)) return std::string(stored);
  auto damaged = [&](const std::string& why) {
    return Internal("the encrypted field " + std::string(context) + " " + why);
  };
  std::string_view key_id = SealedKeyId(stored);
  if (key_id.empty()) return damaged("is damaged (no key id)");
  const EncryptionKey* key = keys_.Find(key_id);
  if (!key) {
    return damaged("was encrypted with key " + std::string(key_id) +
                   ", which VOX_ENCRYPTION_KEY_FILE does not hold");
  }
  auto box = Base64Decode(stored.substr(kSealedFieldPrefix.size() + kKeyIdChars + 1));
  if (!box || box->size() < kNonceBytes + kTagBytes) return damaged("is damaged (bad encoding)");
  EnsureSodium();
  std::string plain(box->size() - kNonceBytes - kTagBytes, '\0');
  unsigned long long written = 0;
  const auto* nonce = Bytes(*box);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()),
                                                 &written, nullptr, nonce + kNonceBytes,
                                                 box->size() - kNonceBytes, Bytes(context),
                                                 context.size(), nonce, Bytes(key->bytes)) != 0) {
    return damaged("does not authenticate (tampered with, or copied from another row)");
  }
  plain.resize(written);
  return plain;
}

bool SealedFieldCipher::SealedWithCurrentKey(std::string_view stored) const {
  return SealedKeyId(stored) == keys_.current().id;
}

}  // namespace vox::blob
