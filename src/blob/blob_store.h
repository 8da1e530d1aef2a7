// BlobStore: where audio lives (never in the database).
//
// Keys are relative paths of [A-Za-z0-9._-] segments separated by '/', e.g.
// "audio/2f1c....wav"; anything else (.., absolute paths, control bytes) is
// rejected, so a hostile key can never escape the store. Writes are atomic:
// a reader sees the whole blob or none. All methods are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vox::blob {

struct BlobInfo {
  std::string key;
  uint64_t size = 0;
  std::string content_type;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  virtual Status Put(const std::string& key, std::string_view data,
                     const std::string& content_type) = 0;
  // Uploads a local file without loading it whole into memory.
  virtual Status PutFile(const std::string& key, const std::string& local_path,
                         const std::string& content_type) = 0;
  virtual Result<std::string> Get(const std::string& key) = 0;
  // Bytes [offset, offset + length) clipped to the blob's size.
  virtual Result<std::string> GetRange(const std::string& key, uint64_t offset,
                                       uint64_t length) = 0;
  virtual Result<BlobInfo> Head(const std::string& key) = 0;
  // Deleting a missing key succeeds: deletes are retried and must be idempotent.
  virtual Status Delete(const std::string& key) = 0;
  virtual Result<std::vector<std::string>> List(const std::string& prefix) = 0;

  // A local file path for the blob when the backend has one (the API then
  // serves it with sendfile-style range support); nullopt otherwise.
  virtual std::optional<std::string> LocalPath(const std::string& key) const = 0;
  // A URL clients can GET directly for `ttl_s` seconds (S3 presigned GET);
  // nullopt when the backend has none and the API must serve the bytes itself.
  virtual Result<std::optional<std::string>> PresignedGetUrl(const std::string& key,
                                                             int64_t ttl_s) = 0;

  // Checks the backend is reachable and writable (for /readyz).
  virtual Status Ping() = 0;
};

// Validates a key as described above; `field` names it in the error.
Status ValidateKey(std::string_view key);

// file:///abs/dir or file://relative/dir, or
// s3://bucket[/prefix]?endpoint=...&region=... (see s3/s3_config.h).
// Errors name the setting at fault (VOX_STORAGE_URL or an AWS_* variable).
Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& url);

}  // namespace vox::blob
