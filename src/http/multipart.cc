#include "http/multipart.h"

#include <expected>
#include <utility>

#include "http/headers.h"

namespace vox::http {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kMaxBoundary = 70;  // RFC 2046 §5.1.1

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 9110 token characters (header names, parameter names).
bool IsTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 bchars; a space is allowed but not as the last character.
bool IsBoundaryChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

struct Param {
  std::string name;  // lower-cased
  std::string value;
};

struct HeaderValue {
  std::string_view main;  // before the first ';', trimmed
  std::vector<Param> params;
};

// Reads a quoted-string starting at s[i] == '"'. Only \" and \\ are escapes: browsers do not
// backslash-escape (they percent-encode), so a lone backslash is a character of the value.
std::expected<std::string, std::string> ReadQuoted(std::string_view s, std::size_t& i) {
  std::string out;
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      ++i;
      return out;
    }
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
    out += s[i];
  }
  return std::unexpected("unterminated quoted string");
}

// `main *( ";" name "=" (token | quoted-string) )` with optional whitespace around the
// separators. The error is a bare message; callers add the context and field.
std::expected<HeaderValue, std::string> ParseHeaderValue(std::string_view s) {
  HeaderValue out;
  std::size_t i = s.find(';');
  out.main = TrimOws(s.substr(0, i));
  while (i < s.size()) {
    ++i;  // past ';'
    while (i < s.size() && IsOws(s[i])) ++i;
    if (i == s.size() || s[i] == ';') continue;  // empty parameter (";;" or a trailing ';')
    const std::size_t name_start = i;
    while (i < s.size() && IsTchar(s[i])) ++i;
    Param param{Lower(s.substr(name_start, i - name_start)), {}};
    if (param.name.empty()) return std::unexpected("invalid parameter name");
    while (i < s.size() && IsOws(s[i])) ++i;
    if (i == s.size() || s[i] != '=') {
      return std::unexpected("parameter '" + param.name + "' has no '=value'");
    }
    ++i;
    while (i < s.size() && IsOws(s[i])) ++i;
    if (i < s.size() && s[i] == '"') {
      auto quoted = ReadQuoted(s, i);
      if (!quoted) return std::unexpected("parameter '" + param.name + "': " + quoted.error());
      param.value = std::move(*quoted);
      while (i < s.size() && IsOws(s[i])) ++i;
      if (i < s.size() && s[i] != ';') {
        return std::unexpected("unexpected text after the quoted value of '" + param.name + "'");
      }
    } else {
      const std::size_t end = std::min(s.find(';', i), s.size());
      const std::string_view raw = TrimOws(s.substr(i, end - i));
      if (raw.empty()) return std::unexpected("parameter '" + param.name + "' has no value");
      if (raw.find('"') != std::string_view::npos) {
        return std::unexpected("stray quote in the value of '" + param.name + "'");
      }
      param.value = std::string(raw);
      i = end;
    }
    for (const Param& seen : out.params) {
      if (seen.name == param.name) {
        return std::unexpected("parameter '" + param.name + "' appears twice");
      }
    }
    out.params.push_back(std::move(param));
  }
  return out;
}

const std::string* FindParam(const HeaderValue& v, std::string_view name) {
  for (const Param& p : v.params) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

// The WHATWG form encoding escapes exactly these three in names and filenames.
std::string DecodeFormEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const std::string code = Lower(s.substr(i + 1, 2));
      const char decoded = code == "22" ? '"' : code == "0d" ? '\r' : code == "0a" ? '\n' : 0;
      if (decoded != 0) {
        out += decoded;
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// True when `dash_boundary` ("--" + boundary) at `pos` is a delimiter: followed by "--"
// (closing), padding, CR or LF, or the end of the body (a truncated delimiter, reported by the
// caller). Anything else means a content line that merely starts like the boundary.
bool IsDelimiterAt(std::string_view body, std::size_t pos, std::string_view dash_boundary) {
  if (body.compare(pos, dash_boundary.size(), dash_boundary) != 0) return false;
  const std::size_t after = pos + dash_boundary.size();
  if (after >= body.size()) return true;
  const char c = body[after];
  if (c == '-') return after + 1 >= body.size() || body[after + 1] == '-';
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Position of the next "\r\n--boundary" delimiter at or after `from`, or npos. Linear: the
// pattern's first character (CR) cannot occur inside it again.
std::size_t FindDelimiter(std::string_view body, std::size_t from,
                          std::string_view crlf_dash_boundary) {
  for (std::size_t pos = body.find(crlf_dash_boundary, from); pos != std::string_view::npos;
       pos = body.find(crlf_dash_boundary, pos + 1)) {
    if (IsDelimiterAt(body, pos + 2, crlf_dash_boundary.substr(2))) return pos;
  }
  return std::string_view::npos;
}

std::unexpected<Error> BodyError(std::string message) {
  return InvalidArgument("multipart body: " + std::move(message), "body");
}

std::string PartLabel(std::size_t index) { return "part " + std::to_string(index); }

struct RawHeader {
  std::string_view name;
  std::string value;
};

// Reads the header block starting at `pos` (just after a boundary line) up to and including
// its blank line; `pos` ends at the first content byte.
Result<std::vector<RawHeader>> ReadHeaders(std::string_view body, std::size_t& pos,
                                           std::size_t part, const MultipartOptions& options) {
  std::vector<RawHeader> headers;
  const std::string_view window = body.substr(pos, options.max_header_bytes);
  std::size_t at = 0;
  while (true) {
    const std::size_t eol = window.find(kCrlf, at);
    if (eol == std::string_view::npos) {
      if (window.size() < options.max_header_bytes) {
        return BodyError(PartLabel(part) +
                         ": headers are not ended by a blank line (body truncated?)");
      }
      return BodyError(PartLabel(part) + ": header block exceeds " +
                       std::to_string(options.max_header_bytes) + " bytes");
    }
    const std::string_view line = window.substr(at, eol - at);
    at = eol + 2;
    if (line.empty()) break;
    for (char c : line) {
      if (IsControl(c)) return BodyError(PartLabel(part) + ": control character in a header");
    }
    if (IsOws(line.front())) {  // obsolete line folding: continues the previous field
      if (headers.empty()) return BodyError(PartLabel(part) + ": header starts with whitespace");
      const std::string_view more = TrimOws(line);
      std::string& value = headers.back().value;
      if (!more.empty() && !value.empty()) value += ' ';
      value += more;
      continue;
    }
    const std::size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    bool valid_name = colon != std::string_view::npos && !name.empty();
    for (char c : name) valid_name = valid_name && IsTchar(c);
    if (!valid_name) return BodyError(PartLabel(part) + ": malformed header line");
    headers.push_back({name, std::string(TrimOws(line.substr(colon + 1)))});
  }
  pos += at;
  return headers;
}

// Fills name, filename and content type of `out` from the part's headers.
Status InterpretHeaders(const std::vector<RawHeader>& headers, std::size_t part,
                        MultipartPart& out) {
  const RawHeader* disposition = nullptr;
  const RawHeader* type = nullptr;
  for (const RawHeader& h : headers) {
    const RawHeader** slot = nullptr;
    if (EqualsIgnoreCase(h.name, "Content-Disposition")) {
      slot = &disposition;
    } else if (EqualsIgnoreCase(h.name, "Content-Type")) {
      slot = &type;
    } else if (EqualsIgnoreCase(h.name, "Content-Transfer-Encoding")) {
      const std::string encoding = Lower(h.value);
      if (encoding != "7bit" && encoding != "8bit" && encoding != "binary") {
        return BodyError(PartLabel(part) + ": Content-Transfer-Encoding '" + h.value +
                         "' is not supported (send the raw bytes)");
      }
      continue;
    } else {
      continue;  // other headers carry nothing form-data needs
    }
    if (*slot != nullptr) {
      return BodyError(PartLabel(part) + ": more than one " + std::string(h.name) + " header");
    }
    *slot = &h;
  }
  if (disposition == nullptr) {
    return BodyError(PartLabel(part) + " has no Content-Disposition header");
  }
  auto parsed = ParseHeaderValue(disposition->value);
  if (!parsed) return BodyError(PartLabel(part) + ": Content-Disposition: " + parsed.error());
  if (Lower(parsed->main) != "form-data") {
    return BodyError(PartLabel(part) + ": Content-Disposition is '" + std::string(parsed->main) +
                     "', expected form-data");
  }
  const std::string* name = FindParam(*parsed, "name");
  if (name == nullptr) {
    return BodyError(PartLabel(part) + ": Content-Disposition has no name parameter");
  }
  out.name = DecodeFormEscapes(*name);
  if (const std::string* filename = FindParam(*parsed, "filename")) {
    out.filename = DecodeFormEscapes(*filename);
  }
  out.content_type = type != nullptr ? type->value : "text/plain";
  if (type != nullptr && type->value.empty()) {
    return BodyError(PartLabel(part) + ": empty Content-Type header");
  }
  return {};
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  auto parsed = ParseHeaderValue(content_type);
  if (!parsed) return InvalidArgument("malformed Content-Type: " + parsed.error(), "Content-Type");
  if (Lower(parsed->main) != "multipart/form-data") {
    return InvalidArgument(
        "expected Content-Type multipart/form-data, got '" + std::string(parsed->main) + "'",
        "Content-Type");
  }
  const std::string* boundary = FindParam(*parsed, "boundary");
  if (boundary == nullptr) {
    return InvalidArgument("multipart/form-data Content-Type has no boundary parameter",
                           "Content-Type");
  }
  if (boundary->empty() || boundary->size() > kMaxBoundary || boundary->back() == ' ') {
    return InvalidArgument("multipart boundary must be 1..70 characters, not ending in a space",
                           "Content-Type");
  }
  for (char c : *boundary) {
    if (!IsBoundaryChar(c)) {
      return InvalidArgument("multipart boundary has a character RFC 2046 does not allow",
                             "Content-Type");
    }
  }
  return *boundary;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                  std::string_view content_type,
                                                  const MultipartOptions& options) {
  VOX_ASSIGN_OR_RETURN(const std::string boundary, MultipartBoundary(content_type));
  const std::string delimiter = "\r\n--" + boundary;
  const std::string_view dash_boundary = std::string_view(delimiter).substr(2);
  if (body.empty()) return BodyError("empty body");

  // The first delimiter opens the body or follows a CRLF ending the preamble.
  std::size_t pos = 0;
  if (!IsDelimiterAt(body, 0, dash_boundary)) {
    pos = FindDelimiter(body, 0, delimiter);
    if (pos == std::string_view::npos) {
      return BodyError("no '--" + boundary + "' delimiter line (wrong boundary?)");
    }
    pos += 2;
  }

  std::vector<MultipartPart> parts;
  while (true) {
    // `pos` is at "--boundary" of a delimiter line.
    pos += dash_boundary.size();
    if (body.compare(pos, 2, "--") == 0) break;  // close delimiter; the rest is epilogue
    while (pos < body.size() && IsOws(body[pos])) ++pos;
    if (pos >= body.size()) {
      return BodyError("ends without the closing '--" + boundary + "--' (truncated?)");
    }
    if (body.compare(pos, 2, kCrlf) != 0) {
      return BodyError("a boundary line is not ended by CRLF");
    }
    pos += 2;
    if (parts.size() == options.max_parts) {
      return BodyError("more than " + std::to_string(options.max_parts) + " parts");
    }
    const std::size_t index = parts.size() + 1;
    VOX_ASSIGN_OR_RETURN(const std::vector<RawHeader> headers,
                         ReadHeaders(body, pos, index, options));
    MultipartPart part;
    VOX_RETURN_IF_ERROR(InterpretHeaders(headers, index, part));
    const std::size_t end = FindDelimiter(body, pos, delimiter);
    if (end == std::string_view::npos) {
      return BodyError(PartLabel(index) + " ('" + part.name +
                       "') is not followed by a boundary delimiter (truncated?)");
    }
    part.content = body.substr(pos, end - pos);
    parts.push_back(std::move(part));
    pos = end + 2;
  }
  return parts;
}

const MultipartPart* FindPart(std::span<const MultipartPart> parts, std::string_view name) {
  for (const MultipartPart& part : parts) {
    if (part.name == name) return &part;
  }
  return nullptr;
}

}  // namespace vox::http
