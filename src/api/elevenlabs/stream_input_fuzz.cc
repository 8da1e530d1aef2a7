// libFuzzer entry for the WebSocket stream-input parser (target api_fuzz_stream_input): any
// message parses or fails with a clean kInvalidArgument, and the text of a parsed message,
// fed to StreamInputText (its own schedule, if any) in cuts the input chooses, with
// try_trigger_generation after some, comes back whole from its pieces.
// Input layout: byte 0 picks first/later message and the cut sizes, the rest is the message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/elevenlabs/stream_input_messages.h"
#include "api/elevenlabs/stream_input_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vox::api::elevenlabs;
  if (size == 0) return 0;
  const uint8_t control = data[0];
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  auto parsed = ParseStreamInputMessage(payload, (control & 1) != 0);
  if (!parsed) {
    if (parsed.error().code != vox::ErrorCode::kInvalidArgument) std::abort();
    return 0;
  }
  StreamInputTextOptions options;
  options.max_sentence_bytes = 16 + (control >> 1);
  if (parsed->chunk_length_schedule) options.schedule = *parsed->chunk_length_schedule;
  StreamInputText text(options);
  std::string joined;
  const size_t step = 1 + (control >> 4);
  for (size_t at = 0; at < parsed->text.size(); at += step) {
    for (auto& piece : text.Add(std::string_view(parsed->text).substr(at, step))) joined += piece;
    if ((at / step) % 3 == 2) {
      for (auto& piece : text.TryTrigger()) joined += piece;
    }
  }
  for (auto& piece : text.Flush()) joined += piece;
  const size_t end = parsed->text.find_last_not_of(" \t\r\n\f\v");
  if (joined != (end == std::string::npos ? "" : parsed->text.substr(0, end + 1))) std::abort();
  return 0;
}
