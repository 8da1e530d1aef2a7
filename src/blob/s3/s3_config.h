// Configuration of the S3 blob backend, parsed from VOX_STORAGE_URL:
//
//   s3://bucket[/key/prefix]?endpoint=http://127.0.0.1:9000&region=us-east-1
//       &path_style=1&sse=AES256&connect_timeout_ms=5000&timeout_ms=120000&max_attempts=4
//
// Credentials come from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
// / AWS_SESSION_TOKEN variables or their …_FILE variants, with the rules of every
// secret (common/secret_file.h: both set or an unreadable file is an error), and
// never from the URL, which ends up in logs;
// the region falls back to AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1.
// Without `endpoint` the bucket is on AWS (https, virtual-host style); with one,
// path style is the default because most S3-compatible servers want it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "blob/s3/sigv4.h"
#include "common/secret_file.h"
#include "common/status.h"

namespace vox::blob {

struct S3Config {
  std::string bucket;
  std::string prefix;    // keys live under "<prefix>/"; empty: at the bucket's root
  std::string endpoint;  // "scheme://host[:port]"; empty: AWS for `region`
  std::string region = "us-east-1";
  bool path_style = false;
  std::string sse;  // "", "AES256" or "aws:kms": sent as x-amz-server-side-encryption on PUT
  s3::Credentials credentials;

  int64_t connect_timeout_ms = 5000;
  int64_t request_timeout_ms = 120000;  // a whole request, body included
  int max_attempts = 4;                 // per operation, first try included
  int64_t backoff_base_ms = 100;        // retry n waits rand(0, min(max, base * 2^n))
  int64_t backoff_max_ms = 5000;
  int list_page_size = 1000;  // ListObjectsV2 max-keys (tests shrink it to exercise paging)

  using GetEnv = EnvLookup;

  // Parses an s3:// URL and reads the credentials; errors name VOX_STORAGE_URL or
  // the credential's variable. Does not Validate().
  static Result<S3Config> FromUrl(const std::string& url, const GetEnv& getenv = ProcessEnvLookup);

  // Checks every setting; the error's field names the URL or the variable at fault.
  Status Validate() const;

  // For logs: every setting, credentials redacted.
  std::string ToString() const;

  // Addressing, derived from the settings above.
  std::string Scheme() const;      // "http" or "https"
  std::string HostHeader() const;  // "bucket.s3.eu-west-1.amazonaws.com", "127.0.0.1:9000"
  std::string BaseUrl() const;     // Scheme() + "://" + HostHeader()
  // The object key in the bucket for a store key: the prefix joined on.
  std::string ObjectKey(std::string_view key) const;
  // The encoded request path for an object key ("" = the bucket itself).
  std::string RequestPath(std::string_view object_key) const;

 private:
  std::string EndpointHost() const;  // host[:port] of the endpoint (or AWS's)
};

}  // namespace vox::blob
