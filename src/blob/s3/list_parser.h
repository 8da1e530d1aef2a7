// Parsers for the XML bodies S3 answers with: ListObjectsV2 pages and error
// documents. Input is untrusted (any server at the configured endpoint), so the
// parser is libexpat (entities and character references decoded correctly,
// entity-expansion attacks bounded) and documents with a DOCTYPE are refused:
// S3 never sends one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vox::blob::s3 {

struct ListPage {
  std::vector<std::string> keys;  // <Contents><Key>, decoded, in the server's order
  bool truncated = false;         // <IsTruncated>true</IsTruncated>
  std::string next_token;         // <NextContinuationToken>, when truncated
};

// A <ListBucketResult> document; Internal error when it is not well-formed or
// is some other document.
Result<ListPage> ParseListObjectsV2(std::string_view xml);

struct S3ErrorBody {
  std::string code;     // "NoSuchKey", "AccessDenied", "SlowDown", ...
  std::string message;  // S3's human-readable message
};

// Best effort: fields stay empty when the body is not an S3 <Error> document.
S3ErrorBody ParseErrorBody(std::string_view xml);

}  // namespace vox::blob::s3
