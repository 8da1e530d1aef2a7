// Expiring, signed URLs for audio served by the API itself (the file blob
// backend; S3 deployments hand out presigned S3 URLs instead).
//
// signature = hex HMAC-SHA256(secret, "<path>\n<expires unix seconds>").
// The URL is a capability: anyone holding it may GET the audio until it
// expires, which is what lets it be used in an <audio> tag.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::api {

class UrlSigner {
 public:
  explicit UrlSigner(std::string secret) : secret_(std::move(secret)) {}

  // "<path>?expires=<t>&signature=<hex>"
  std::string Sign(std::string_view path, int64_t expires_unix_s) const;
  // kPermissionDenied for a bad signature or an expired URL.
  Status Verify(std::string_view path, std::string_view expires, std::string_view signature,
                int64_t now_unix_s) const;

 private:
  std::string secret_;
};

}  // namespace vox::api
