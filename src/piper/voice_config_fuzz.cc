// libFuzzer entry for a Piper voice's `NAME.onnx.json` (target piper_fuzz_voice_config): the
// bytes parsed as LoadVoiceConfig does (nlohmann::json, then ParseVoiceConfig). Beyond
// sanitizers it traps when an exception escapes, a refusal is not kInvalidArgument on
// "config" naming the file, two parses differ, or an accepted config breaks what the engine
// relies on: sample rate 4000..192000, ^ _ $ in the id map, every id below num_symbols,
// every speaker id below num_speakers, finite inference values, a language family, an
// espeak voice for espeak phonemes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "piper/voice_config.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

constexpr const char* kSource = "fuzz.onnx.json";

void CheckConfig(const vox::piper::VoiceConfig& c) {
  Check(c.sample_rate >= 4000 && c.sample_rate <= 192000);
  for (char32_t symbol : {U'^', U'_', U'$'}) Check(c.phoneme_id_map.contains(symbol));
  Check(c.num_symbols >= 1);
  for (const auto& [phoneme, ids] : c.phoneme_id_map) {
    Check(!ids.empty());
    for (int64_t id : ids) Check(id >= 0 && id < c.num_symbols);
  }
  Check(c.num_speakers >= 1);
  for (const auto& [name, sid] : c.speaker_id_map) {
    Check(!name.empty() && sid >= 0 && sid < c.num_speakers);
  }
  for (double x : {c.inference.noise_scale, c.inference.length_scale, c.inference.noise_w}) {
    Check(std::isfinite(x));
  }
  for (const auto& [phoneme, seconds] : c.phoneme_silence) Check(std::isfinite(seconds));
  Check(!c.language.code.empty() && !c.language.family.empty());
  if (c.phoneme_type == vox::piper::PhonemeType::kEspeak) Check(!c.espeak_voice.empty());
  (void)c.language.Bcp47();
  (void)c.IsEnglish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto root = nlohmann::json::parse(data, data + size, nullptr, false);
    if (root.is_discarded()) return 0;  // LoadVoiceConfig refuses it before parsing
    auto config = vox::piper::ParseVoiceConfig(root, kSource);
    auto again = vox::piper::ParseVoiceConfig(root, kSource);
    Check(config.has_value() == again.has_value());
    if (!config) {
      Check(config.error().code == vox::ErrorCode::kInvalidArgument);
      Check(config.error().field == "config");
      Check(config.error().message.find(kSource) != std::string::npos);
      Check(config.error().message == again.error().message);
      return 0;
    }
    CheckConfig(*config);
    Check(config->phoneme_id_map == again->phoneme_id_map &&
          config->speaker_id_map == again->speaker_id_map);
  } catch (...) {
    __builtin_trap();  // a model directory scan would die on one bad voice
  }
  return 0;
}
