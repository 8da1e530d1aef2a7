// Small DSP helpers on PcmBuffer: levels, test signals, channel mixing, gain,
// and the float <-> 16-bit conversion every lossless codec path shares.
#pragma once

#include <cstdint>

#include "audio/pcm_buffer.h"

namespace vox::audio {

// Root mean square over all samples (all channels); 0 for an empty buffer.
double Rms(const PcmBuffer& pcm);

// Largest absolute sample value; 0 for an empty buffer.
double PeakAbs(const PcmBuffer& pcm);

// Mono silence of round(seconds * sample_rate) frames (0 for seconds <= 0).
PcmBuffer Silence(int sample_rate, double seconds);

// Mono sine of `hz` and peak `amplitude`, starting at phase 0.
PcmBuffer Sine(int sample_rate, double hz, double seconds, double amplitude);

// Averages the channels into one; mono input is returned as a copy.
PcmBuffer ToMono(const PcmBuffer& pcm);

// The `seconds` of audio from `from_s` on (whole frames; clipped to what there is).
PcmBuffer Excerpt(const PcmBuffer& pcm, double from_s, double seconds);

// Multiplies every sample by `gain` (linear) and clamps to [-1, 1].
void ApplyGain(PcmBuffer& pcm, double gain);

// Multiplies `count` samples by `gain` and clamps to [-1, 1]; non-finite
// samples become 0 so nothing downstream ever sees NaN.
void ApplyGain(float* samples, std::size_t count, double gain);

// Converts dB to a linear amplitude factor.
double DbToGain(double db);

// Float in [-1, 1] to a 16-bit sample: scale 32768, round to nearest, clamp.
// Decoders divide by 32768, so float -> int16 -> float is exact for every
// 16-bit value and within half an LSB for anything else.
std::int16_t FloatToPcm16(float sample);
inline float Pcm16ToFloat(std::int16_t sample) { return static_cast<float>(sample) / 32768.0f; }

}  // namespace vox::audio
