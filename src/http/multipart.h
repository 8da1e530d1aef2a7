// multipart/form-data (RFC 7578 over RFC 2046): the body of an HTML form or `curl -F` upload,
// split into its named parts.
//
// The parser works on a complete body (the HTTP core reads bodies whole, within the route's
// max_body_bytes) and copies nothing big: each part's content is a view into the body, so the
// body must outlive the parts. It is written for hostile input: every loop is bounded by the
// body, the number of parts and the size of each part's header block are limited, and every
// malformed input is an InvalidArgument error naming "body" or "Content-Type".
//
// What it accepts, beyond the letter of the RFCs, because real clients send it:
// - names and filenames quoted as browsers and curl (>= 7.81) do, with `"`, CR and LF
//   percent-encoded (%22, %0D, %0A, which are decoded), and as Go and older curl do, with `\"`
//   and `\\` (decoded); any other backslash is kept, so `a\b.wav` stays as written;
// - unquoted parameter values with any printable characters but `;` (some clients do not
//   quote boundaries that need it);
// - a line that starts with the delimiter but continues with other characters is content, as
//   in Go's mime/multipart (boundaries that are prefixes of each other then still work).
// What it refuses: Content-Transfer-Encoding other than 7bit/8bit/binary (RFC 7578 §4.7
// deprecates it; silently returning base64 text as the file would be worse), lines not ended
// by CRLF where the syntax needs one, and headers with control characters.
// `filename*` (RFC 5987) is ignored, as RFC 7578 §4.2 tells senders not to use it.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vox::http {

struct MultipartOptions {
  std::size_t max_parts = 64;
  // Per part: the header block, from after the boundary line to the blank line.
  std::size_t max_header_bytes = 8 * 1024;
};

struct MultipartPart {
  std::string name;                     // Content-Disposition name (may be empty: name="")
  std::optional<std::string> filename;  // present for file inputs (may be empty: no file chosen)
  std::string content_type;             // as sent; "text/plain" when absent (RFC 7578 §4.4)
  std::string_view content;             // into the parsed body: keep the body alive
};

// The boundary parameter of a multipart/form-data Content-Type value, checked against RFC 2046
// (1..70 characters from its set, not ending in a space). Errors name field "Content-Type".
Result<std::string> MultipartBoundary(std::string_view content_type);

// Parses a complete multipart/form-data body. The preamble before the first delimiter and the
// epilogue after the closing one are ignored (RFC 2046 §5.1.1). A body with no part between
// the first delimiter and the closing one is valid and gives no parts. Thread-safe; linear in
// the body size.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                  std::string_view content_type,
                                                  const MultipartOptions& options = {});

// The first part called `name`, or nullptr.
const MultipartPart* FindPart(std::span<const MultipartPart> parts, std::string_view name);

}  // namespace vox::http
