// The keys of encryption at rest (VOX_ENCRYPTION_KEY_FILE): one or more 32-byte keys, base64,
// one per line ('#' starts a comment). The first key encrypts everything written; the others
// only decrypt, so a rotation is: put a new key first, restart, `vox encryption rotate`, then
// drop the old line. A key is named by its id, the first 8 bytes of its SHA-256 in hex, which
// is stored with each blob (never the key itself).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vox::blob {

inline constexpr size_t kEncryptionKeyBytes = 32;

struct EncryptionKey {
  std::string id;     // 16 hex characters
  std::string bytes;  // kEncryptionKeyBytes raw bytes
};

class EncryptionKeys {
 public:
  // kInvalidArgument naming `setting` for an empty text, a line that is not base64 of exactly
  // 32 bytes (never quoting it), or the same key twice.
  static Result<EncryptionKeys> Parse(std::string_view text, std::string_view setting);
  // Reads and parses the file (common/secret_file rules: at most 64 KiB, not empty).
  static Result<EncryptionKeys> Load(const std::string& path, std::string_view setting);

  const EncryptionKey& current() const { return keys_.front(); }
  // nullptr when no key has that id.
  const EncryptionKey* Find(std::string_view id) const;
  const std::vector<EncryptionKey>& all() const { return keys_; }

  // Never the key bytes: "2 keys, current 1f2e3d4c5b6a7988".
  std::string ToString() const;

 private:
  std::vector<EncryptionKey> keys_;
};

// The id of a raw key, as above.
std::string EncryptionKeyId(std::string_view key_bytes);

// Initializes libsodium once (aborts without a CSPRNG: nothing could be encrypted safely).
void EnsureSodium();

// 32 bytes from the OS CSPRNG, base64: a line for the key file.
std::string NewEncryptionKeyBase64();

}  // namespace vox::blob
