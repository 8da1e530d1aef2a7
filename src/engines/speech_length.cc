#include "engines/speech_length.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "text/utf8.h"

namespace vox::engines {

size_t CountSpokenCharsAtLeast(std::string_view raw_text) {
  size_t n = 0;
  for (unsigned char c : raw_text) {
    // A non-ASCII code point counts once, at its lead byte.
    if (c >= 0xC0 || (c < 0x80 && std::isalnum(c))) ++n;
  }
  return n;
}

double EstimateSpeechSeconds(const SynthesisPlan& plan) {
  double seconds = 0;
  for (size_t i = 0; i < plan.sentences.size(); ++i) {
    double speed = plan.params.speed;
    if (i < plan.styles.sentences.size()) {
      speed *= plan.styles.sentences[i].rate;
      seconds += plan.styles.sentences[i].pause_before_s;
    }
    speed = std::max(speed, SynthesisParams::kMinSpeed);
    seconds += static_cast<double>(text::CountCodePoints(plan.sentences[i])) /
               (kSpokenCharsPerSecond * speed);
  }
  return seconds + plan.styles.tail.pause_before_s;
}

Status CheckSpeechSeconds(double estimated_s, const TextLimits& limits) {
  if (limits.max_audio_seconds <= 0 || estimated_s <= limits.max_audio_seconds) return {};
  return MakeError(ErrorCode::kResourceExhausted,
                   "the text would make about " + std::to_string(std::lround(estimated_s)) +
                       " s of audio, over the limit of " +
                       std::to_string(std::lround(limits.max_audio_seconds)) +
                       " s per request (VOX_MAX_AUDIO_SECONDS); split it into shorter requests",
                   "text");
}

}  // namespace vox::engines
