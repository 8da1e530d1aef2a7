// FieldCipher (common/field_cipher.h) over the keys of encryption at rest: libsodium's
// XChaCha20-Poly1305 with a random 24-byte nonce per value and the row's context as associated
// data. The current key seals; every configured key opens (rotation, as for blobs).
#pragma once

#include <string>
#include <string_view>

#include "blob/encryption_keys.h"
#include "common/field_cipher.h"

namespace vox::blob {

class SealedFieldCipher final : public FieldCipher {
 public:
  explicit SealedFieldCipher(EncryptionKeys keys) : keys_(std::move(keys)) {}

  std::string Seal(std::string_view plaintext, std::string_view context) const override;
  Result<std::string> Open(std::string_view stored, std::string_view context) const override;
  bool SealedWithCurrentKey(std::string_view stored) const override;

 private:
  EncryptionKeys keys_;
};

}  // namespace vox::blob
