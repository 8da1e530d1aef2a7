// Test-only: TD-PSOLA pitch shifting, to make target speakers whose F0 moves
// while their vocal tract (formants) stays put.
//
// Why not `sox pitch`: it resamples the whole spectrum, so F0 and formants move
// together (a smaller person). Why not Praat: Debian's package drags in a GUI
// stack and would be one more tool to install for the tests; this is ~100
// lines on the voice module's own YIN tracker and is deterministic.
//
// Time-domain PSOLA (Moulines & Charpentier, 1990): two-period Hann-windowed
// grains are cut at pitch marks (one per period, on the waveform's peak) and
// overlap-added at marks spaced period / factor. Each grain keeps the local
// spectral envelope, so the formants stay where they were; unvoiced stretches
// are copied through at a fixed 10 ms grain spacing. Duration is unchanged.
#pragma once

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::voice::testing {

// `pcm` (any rate and channels) with its F0 multiplied by `factor` (0.5..2),
// as 16 kHz mono. Errors: invalid_argument for the factor ("factor") and
// those of PrepareAudio ("audio").
Result<audio::PcmBuffer> PsolaPitchShift(const audio::PcmBuffer& pcm, double factor);

}  // namespace vox::voice::testing
