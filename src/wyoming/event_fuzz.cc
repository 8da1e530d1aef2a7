// libFuzzer entry for the Wyoming event reader (target wyoming_fuzz_event): the
// first line of the input is an event header, the rest its data and payload.
// Any input must parse within the limits or fail with a clean error, and a
// parsed event must serialize to a header that parses back to the same type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wyoming/event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view line = input.substr(0, newline);
  std::string_view rest = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  const vox::wyoming::HeaderLimits limits{4096, 4096};
  auto header = vox::wyoming::ParseHeader(line, limits);
  if (!header) return 0;
  if (header->type.empty() || header->data_length > limits.max_data_bytes ||
      header->payload_length > limits.max_payload_bytes || !header->data.is_object()) {
    std::abort();
  }
  if (header->data_length <= rest.size()) {
    (void)vox::wyoming::MergeData(*header, rest.substr(0, header->data_length));
    if (!header->data.is_object()) std::abort();
  }
  std::string type = header->type;
  std::string bytes = vox::wyoming::Serialize({type, nlohmann::json::object(), {}});
  auto again = vox::wyoming::ParseHeader(bytes.substr(0, bytes.find('\n')), limits);
  if (!again || again->type.empty()) std::abort();
  return 0;
}
