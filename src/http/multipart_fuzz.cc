// libFuzzer entry for ParseMultipart() (target http_fuzz_multipart): any body and any
// Content-Type must parse into self-consistent parts or fail with a clean InvalidArgument.
// Input layout: when it starts with 'm' and has a '\n' in its first 128 bytes, that first line
// is the Content-Type and the rest the body (so the fuzzer explores boundary parameters too);
// otherwise the whole input is the body under boundary "b". Seeds: tests/fuzz/corpus/multipart.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "http/multipart.h"
#include "http/testing/multipart_testing.h"

namespace {

bool HasEscape(std::string_view body, std::string_view lower_code) {  // "%0d", "%0a"
  for (std::size_t at = body.find('%'); at != std::string_view::npos && at + 2 < body.size();
       at = body.find('%', at + 1)) {
    if (body[at + 1] == lower_code[1] && (body[at + 2] | 0x20) == lower_code[2]) return true;
  }
  return false;
}

// Header lines cannot carry raw control characters (the parser refuses them), so a name or
// filename may hold CR or LF only as a decoded %0D / %0A escape, and no other control
// character than tab at all.
bool CleanValue(std::string_view value, std::string_view body) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r' && !HasEscape(body, "%0d")) return false;
    if (c == '\n' && !HasEscape(body, "%0a")) return false;
    if ((u < 0x20 && c != '\t' && c != '\r' && c != '\n') || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view content_type = "multipart/form-data; boundary=b";
  if (const std::size_t nl = input.substr(0, 128).find('\n');
      !input.empty() && input.front() == 'm' && nl != std::string_view::npos) {
    content_type = input.substr(0, nl);
    input.remove_prefix(nl + 1);
  }
  // Small limits so the fuzzer reaches them.
  const vox::http::MultipartOptions options{.max_parts = 8, .max_header_bytes = 256};

  // The invariants a caller relies on, checked directly.
  if (auto parts = vox::http::ParseMultipart(input, content_type, options)) {
    if (parts->size() > options.max_parts) __builtin_trap();
    const std::less_equal<const char*> le;  // total order even across unrelated pointers
    for (const auto& part : *parts) {
      if (!le(input.data(), part.content.data()) ||
          !le(part.content.data() + part.content.size(), input.data() + input.size())) {
        __builtin_trap();  // content outside the body
      }
      if (!CleanValue(part.name, input)) __builtin_trap();
      if (part.filename && !CleanValue(*part.filename, input)) __builtin_trap();
      if (part.content_type.empty() || !CleanValue(part.content_type, "")) __builtin_trap();
    }
  }
  // Determinism, error codes and fields, delimiters, ordering and the encode/parse round trip.
  if (!vox::http::testing::CheckInvariants(input, content_type, options).empty()) {
    __builtin_trap();
  }
  return 0;
}
