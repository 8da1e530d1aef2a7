// Digests the S3 backend needs beyond common/crypto.h: a streaming SHA-256 of
// a file (the payload hash of a streamed upload) and MD5 (S3's ETag).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::blob::s3 {

struct FileDigest {
  std::string sha256_hex;
  uint64_t size = 0;
};

// Reads the file once in fixed-size chunks; InvalidArgument when unreadable.
Result<FileDigest> Sha256OfFile(const std::string& path);

std::string Md5Hex(std::string_view data);

}  // namespace vox::blob::s3
