// Test and fuzz support for multipart.h: an encoder, and the invariants every parse must keep.
// Shared by multipart_test.cc, multipart_mutation_test.cc and multipart_fuzz.cc; header-only so
// the fuzz target needs no extra library. Production code must not include it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/multipart.h"

namespace vox::http::testing {

struct FormField {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;  // empty: no Content-Type header
  std::string content;
};

// Quotes a name or filename as browsers do (%22, %0D, %0A) and escapes backslashes, which this
// parser (like Go's) reads back as one.
inline std::string QuoteFormValue(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') {
      out += "%22";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

inline std::string EncodeForm(const std::vector<FormField>& fields, std::string_view boundary) {
  std::string body;
  for (const FormField& f : fields) {
    body += "--" + std::string(boundary) + "\r\n";
    body += "Content-Disposition: form-data; name=" + QuoteFormValue(f.name);
    if (f.filename) body += "; filename=" + QuoteFormValue(*f.filename);
    body += "\r\n";
    if (!f.content_type.empty()) body += "Content-Type: " + f.content_type + "\r\n";
    body += "\r\n" + f.content + "\r\n";
  }
  return body + "--" + std::string(boundary) + "--\r\n";
}

// A literal %22, %0D or %0A in a decoded name cannot survive re-encoding (the receiver decodes
// it); the WHATWG encoding has the same ambiguity.
inline bool HasFormEscape(std::string_view s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] != '%') continue;
    const std::string code{static_cast<char>(s[i + 1] | 0x20), static_cast<char>(s[i + 2] | 0x20)};
    if (code == "22" || code == "0d" || code == "0a") return true;
  }
  return false;
}

inline bool SameParts(const std::vector<MultipartPart>& a, const std::vector<MultipartPart>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].filename != b[i].filename ||
        a[i].content_type != b[i].content_type || a[i].content != b[i].content) {
      return false;
    }
  }
  return true;
}

// Checks what must hold for any input; returns "" or what broke.
inline std::string CheckInvariants(std::string_view body, std::string_view content_type,
                                   const MultipartOptions& options) {
  auto parsed = ParseMultipart(body, content_type, options);
  auto again = ParseMultipart(body, content_type, options);
  if (parsed.has_value() != again.has_value()) return "parse is not deterministic";
  if (!parsed) {
    const Error& e = parsed.error();
    if (e.code != ErrorCode::kInvalidArgument) return "error code is not invalid_argument";
    if (e.field != "body" && e.field != "Content-Type") return "error field is " + e.field;
    if (e.message.empty()) return "empty error message";
    if (e.message != again.error().message) return "error is not deterministic";
    return "";
  }
  if (!SameParts(*parsed, *again)) return "parts are not deterministic";
  if (parsed->size() > options.max_parts) return "more parts than max_parts";
  auto boundary = MultipartBoundary(content_type);
  if (!boundary) return "parsed although the boundary is invalid";
  const std::string delimiter = "\r\n--" + *boundary;
  const char* previous_end = body.data();
  for (const MultipartPart& p : *parsed) {
    const char* begin = p.content.data();
    const char* end = begin + p.content.size();
    if (begin < previous_end || end > body.data() + body.size()) {
      return "content outside the body or overlapping";
    }
    previous_end = end;
    // Every content is followed by a delimiter and contains none.
    if (std::string_view(end, body.data() + body.size() - end).substr(0, delimiter.size()) !=
        delimiter) {
      return "content not followed by the delimiter";
    }
    for (std::size_t at = p.content.find(delimiter); at != std::string_view::npos;
         at = p.content.find(delimiter, at + 1)) {
      const std::size_t after =
          static_cast<std::size_t>(begin - body.data()) + at + delimiter.size();
      const char c = body[after];  // inside the body: a delimiter follows the content
      const bool dashes = c == '-' && after + 1 < body.size() && body[after + 1] == '-';
      if (dashes || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        return "content contains a delimiter";
      }
    }
  }
  // Round trip: what was parsed, encoded again under a fresh boundary, parses the same.
  std::string fresh = "vox-rt-0";
  for (int n = 1;; ++n) {
    bool clash = false;
    for (const MultipartPart& p : *parsed) clash = clash || p.content.find(fresh) != p.content.npos;
    if (!clash) break;
    fresh = "vox-rt-" + std::to_string(n);
  }
  std::vector<FormField> fields;
  for (const MultipartPart& p : *parsed) {
    if (HasFormEscape(p.name) || (p.filename && HasFormEscape(*p.filename))) return "";
    fields.push_back({p.name, p.filename, p.content_type, std::string(p.content)});
  }
  const std::string encoded = EncodeForm(fields, fresh);
  MultipartOptions relaxed = options;
  relaxed.max_header_bytes = options.max_header_bytes * 4 + 1024;  // quoting may lengthen
  auto reparsed = ParseMultipart(encoded, "multipart/form-data; boundary=" + fresh, relaxed);
  if (!reparsed) return "re-encoded parts do not parse: " + reparsed.error().message;
  if (!SameParts(*parsed, *reparsed)) return "re-encoded parts differ";
  return "";
}

}  // namespace vox::http::testing
