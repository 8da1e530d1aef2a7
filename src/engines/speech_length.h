// How long a text will speak, estimated before synthesis, and the
// VOX_MAX_AUDIO_SECONDS cap (TextLimits::max_audio_seconds) every front end
// enforces through Synthesizer::Prepare/PrepareSsml: a legal 1,000,000-digit
// text would otherwise write ~31 GB of WAV at 48 kHz.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.h"
#include "engines/synthesizer.h"

namespace vox::engines {

// Normalized characters spoken per second at speed 1.0. Measured Flite and
// eSpeak NG voices speak 13-16; the higher figure keeps the estimate from
// refusing texts that would in fact fit.
inline constexpr double kSpokenCharsPerSecond = 16;

// Letters, digits and non-ASCII code points of `raw_text`: each is spoken as at
// least one character, so this bounds the normalized length from below and
// lets a huge text be refused before the normalizer spends time on it.
size_t CountSpokenCharsAtLeast(std::string_view raw_text);

// The plan's speech in seconds: its normalized characters at its speed (times
// each SSML sentence's rate), plus SSML pauses.
double EstimateSpeechSeconds(const SynthesisPlan& plan);

// kResourceExhausted on field "text" naming VOX_MAX_AUDIO_SECONDS when
// `estimated_s` is over `limits.max_audio_seconds` (0: no cap).
Status CheckSpeechSeconds(double estimated_s, const TextLimits& limits);

}  // namespace vox::engines
