// libFuzzer entry for ParseMultipart(): any body (and any Content-Type, when the input starts
// with a line holding one) must parse into self-consistent parts or fail with a clean
// InvalidArgument; multipart_testing.h lists the invariants.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/http/multipart_testing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view content_type = "multipart/form-data; boundary=b";
  // "Content-Type line\n body": lets the fuzzer explore boundary parameters too.
  if (const std::size_t nl = input.substr(0, 128).find('\n');
      !input.empty() && input.front() == 'm' && nl != std::string_view::npos) {
    content_type = input.substr(0, nl);
    input.remove_prefix(nl + 1);
  }
  // Small limits so the fuzzer reaches them.
  const vox::api::http::MultipartOptions options{.max_parts = 8, .max_header_bytes = 256};
  if (!vox::api::http::testing::CheckInvariants(input, content_type, options).empty()) {
    __builtin_trap();
  }
  return 0;
}
