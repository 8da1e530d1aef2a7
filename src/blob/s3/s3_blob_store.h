// BlobStore on S3 or any S3-compatible server (MinIO, s3rver, ...).
//
// Every request is signed with SigV4 using the real payload hash (a file is
// hashed in a first pass, then streamed), re-signed on each retry, and retried
// with jittered exponential backoff on 5xx, throttling and transport failures
// up to `max_attempts`. Errors: 404 NotFound, 401/403 PermissionDenied (with
// S3's error code in the message), exhausted retries Unavailable.
//
// Objects go up in one PUT (S3 accepts up to 5 GiB that way); multipart upload
// is not implemented: audio files are far below that.
//
// A full Get() is checked against the ETag when the ETag is an MD5 (single-part
// uploads without SSE-KMS/SSE-C), so a torn or corrupted read is retried rather
// than returned. Thread-safe; the configuration is immutable after Open().
#pragma once

#include <memory>

#include "blob/blob_store.h"
#include "blob/s3/http_call.h"
#include "blob/s3/s3_config.h"
#include "common/clock.h"

namespace vox::blob {

class S3BlobStore : public BlobStore {
 public:
  // Validates `config`; does not contact the server (Ping() does).
  // `clock` signs requests and presigned URLs; it must outlive the store.
  static Result<std::unique_ptr<S3BlobStore>> Open(S3Config config,
                                                   const Clock& clock = Clock::System());

  Status Put(const std::string& key, std::string_view data,
             const std::string& content_type) override;
  Status PutFile(const std::string& key, const std::string& local_path,
                 const std::string& content_type) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::string> GetRange(const std::string& key, uint64_t offset, uint64_t length) override;
  Result<BlobInfo> Head(const std::string& key) override;
  Status Delete(const std::string& key) override;
  // Keys under `prefix` (relative to the store's own prefix), sorted.
  Result<std::vector<std::string>> List(const std::string& prefix) override;
  std::optional<std::string> LocalPath(const std::string& key) const override {
    return std::nullopt;
  }
  // A query-string-signed GET URL valid for ttl_s seconds (1..604800).
  Result<std::optional<std::string>> PresignedGetUrl(const std::string& key,
                                                     int64_t ttl_s) override;
  // One ListObjectsV2 call of one key: proves the endpoint answers and the
  // credentials may list the bucket. It does not write.
  Status Ping() override;

  const S3Config& config() const { return config_; }

 private:
  // One S3 operation: everything needed to (re)build and sign its request.
  struct Call {
    std::string method;
    std::string object_key;  // in the bucket (prefix joined); "" for the bucket
    s3::NameValues query;
    s3::NameValues headers;  // extra signed headers (content-type, range, sse)
    std::string_view body;
    std::string body_file;
    uint64_t body_size = 0;
    std::string payload_hash;  // empty: the hash of `body`
    bool verify_md5 = false;   // check a 200 body against an MD5 ETag; retry on mismatch
  };
  static Call MakeCall(std::string method, std::string object_key) {
    Call call;
    call.method = std::move(method);
    call.object_key = std::move(object_key);
    return call;
  }

  S3BlobStore(S3Config config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

  // Sends `call`, retrying as described above. Returns the first answer that
  // is not retryable (any status), or Unavailable once attempts run out.
  Result<s3::HttpResponse> Send(const Call& call);
  // Maps a non-2xx answer to an Error; `what` says which operation and key.
  Error ToError(const s3::HttpResponse& response, const std::string& what) const;
  Status PutObject(const std::string& key, Call call, const std::string& content_type);

  const S3Config config_;
  const Clock& clock_;
  s3::HttpClient http_;
};

}  // namespace vox::blob
