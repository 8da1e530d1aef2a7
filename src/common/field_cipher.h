// Encryption of single database fields that hold biometric data (a clone's speaker embedding,
// profile and conversion; a protected voice's embedding). The store seals such a field on
// write and opens it on read through this interface; the implementation and its keys live
// with the rest of encryption at rest (blob/sealed_field_cipher.h), so the store needs no
// cryptography library.
//
// A sealed value is text: "vox-sealed:1:" KEY_ID ":" base64(nonce | ciphertext). Rows written
// before a key was configured hold plain text, which never starts with that prefix.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vox {

inline constexpr std::string_view kSealedFieldPrefix = "vox-sealed:1:";

inline bool IsSealedField(std::string_view stored) {
  return stored.starts_with(kSealedFieldPrefix);
}

class FieldCipher {
 public:
  virtual ~FieldCipher() = default;
  // `plaintext` sealed with the current key for the row `context` names (a column and a row id:
  // a sealed value copied to another row does not open there).
  virtual std::string Seal(std::string_view plaintext, std::string_view context) const = 0;
  // The plaintext; a value that is not sealed comes back as it is. kInternal when the value is
  // damaged, tampered with, moved from another row, or sealed with a key not configured.
  virtual Result<std::string> Open(std::string_view stored, std::string_view context) const = 0;
  // Whether `stored` is sealed with the current key (a rotation leaves it as it is).
  virtual bool SealedWithCurrentKey(std::string_view stored) const = 0;
};

}  // namespace vox
