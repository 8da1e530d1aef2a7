// Encryption at rest: a BlobStore that encrypts every blob it writes to the store it wraps
// (any backend) and decrypts what it reads, chunk by chunk (encrypted_format.h), so byte
// ranges are read and authenticated without the rest of the blob. Blobs written before
// encryption was turned on (no header) are read as they are until `Rotate` encrypts them,
// unless plaintext is refused (VOX_ENCRYPTION_PLAINTEXT=refuse): then a blob without a
// header is taken as replaced outside Vox and refused, like a damaged one.
// It has no local paths nor presigned URLs: the API serves the decrypted bytes itself.
#pragma once

#include <functional>
#include <memory>

#include "blob/blob_store.h"
#include "blob/encrypted_format.h"
#include "blob/encryption_keys.h"

namespace vox::blob {

struct RotationReport {
  size_t blobs = 0;      // looked at
  size_t rewritten = 0;  // under an older key, now under the current one
  size_t encrypted = 0;  // plaintext from before encryption, now encrypted
  size_t current = 0;    // already under the current key
};

class EncryptedBlobStore final : public BlobStore {
 public:
  EncryptedBlobStore(std::unique_ptr<BlobStore> inner, EncryptionKeys keys,
                     uint32_t chunk = kDefaultEncryptionChunk);

  Status Put(const std::string& key, std::string_view data,
             const std::string& content_type) override;
  Status PutFile(const std::string& key, const std::string& local_path,
                 const std::string& content_type) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::string> GetRange(const std::string& key, uint64_t offset, uint64_t length) override;
  Result<BlobInfo> Head(const std::string& key) override;
  Status Delete(const std::string& key) override { return inner_->Delete(key); }
  Result<std::vector<std::string>> List(const std::string& prefix) override {
    return inner_->List(prefix);
  }
  std::optional<std::string> LocalPath(const std::string&) const override { return std::nullopt; }
  Result<std::optional<std::string>> PresignedGetUrl(const std::string&, int64_t) override {
    return std::optional<std::string>();
  }
  Status Ping() override { return inner_->Ping(); }

  // Re-encrypts every blob under `prefix` that is not under the current key (or not
  // encrypted at all). Safe to run while the platform serves: each blob is replaced
  // atomically by its backend, with the same plaintext. `progress` sees each key done.
  Result<RotationReport> Rotate(const std::string& prefix,
                                const std::function<void(const std::string&)>& progress = {});

  const EncryptionKeys& keys() const { return keys_; }
  // Refuse blobs without the encryption header (kInternal, as a damaged blob, naming
  // VOX_ENCRYPTION_PLAINTEXT; logged) instead of serving them as they are. Rotate still
  // encrypts them.
  void RefusePlaintext() { refuse_plaintext_ = true; }

 private:
  // The header of an encrypted blob, or nullopt for a plaintext one.
  Result<std::optional<EncryptedHeader>> ReadHeader(const std::string& key);
  Result<std::string> ReadRange(const std::string& key, const EncryptedHeader& header,
                                uint64_t offset, uint64_t length);

  // A blob without a header: as it is, or refused when plaintext is.
  Result<std::string> Plaintext(const std::string& key, std::string stored) const;

  std::unique_ptr<BlobStore> inner_;
  EncryptionKeys keys_;
  uint32_t chunk_;
  bool refuse_plaintext_ = false;
};

}  // namespace vox::blob

namespace vox::blob {

// OpenBlobStore(url), wrapped in an EncryptedBlobStore when `key_file` is set
// (VOX_ENCRYPTION_KEY_FILE), which refuses plaintext blobs when `refuse_plaintext`
// (VOX_ENCRYPTION_PLAINTEXT=refuse). On S3 it then also asks for server-side encryption
// (sse=AES256) unless the URL chooses its own.
Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& url,
                                                 const std::string& key_file,
                                                 bool refuse_plaintext = false);

}  // namespace vox::blob
