// libFuzzer target: ssml::Parse on arbitrary bytes (tests/fuzz/run_fuzz.sh).
// Beyond the sanitizers it traps when a result breaks the parser's contract:
// errors are kInvalidArgument on "text" and say where; documents have no blank
// runs and every number within its documented range; parsing is deterministic.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ssml/ssml_parser.h"

namespace {

bool Sane(const vox::ssml::Prosody& p) {
  return p.rate > 0 && std::isfinite(p.rate) && p.pitch > 0 && std::isfinite(p.pitch) &&
         std::isfinite(p.volume_db);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  vox::ssml::ParseLimits limits;
  limits.max_depth = 8;  // small, so the fuzzer reaches the limits
  limits.max_elements = 64;
  limits.max_attribute_bytes = 64;
  limits.max_break_s = 10;
  limits.max_total_pause_s = 30;
  auto doc = vox::ssml::Parse(input, limits);
  auto again = vox::ssml::Parse(input, limits);
  if (doc.has_value() != again.has_value()) __builtin_trap();
  if (!doc) {
    const auto& e = doc.error();
    if (e.code != vox::ErrorCode::kInvalidArgument || e.field != "text") __builtin_trap();
    if (!e.message.starts_with("SSML ")) __builtin_trap();
    if (e.message != again.error().message) __builtin_trap();
    return 0;
  }
  double pause = doc->tail_pause_s;
  for (const auto& s : doc->segments) {
    if (s.text.find_first_not_of(" \t\r\n") == std::string::npos) __builtin_trap();
    if (!Sane(s.prosody) || !(s.pause_before_s >= 0)) __builtin_trap();
    pause += s.pause_before_s;
  }
  if (!(pause >= 0 && pause <= limits.max_total_pause_s + 1e-9)) __builtin_trap();
  if (doc->segments.size() != again->segments.size()) __builtin_trap();
  return 0;
}
