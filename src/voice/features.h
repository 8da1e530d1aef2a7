// Short-time features of speech: framing, log-mel energies, MFCCs, frame energy.
//
// Everything in this module analyses mono 16 kHz audio; PrepareAudio() gets any
// decoded buffer there. 16 kHz keeps the band speaker identity lives in (up to
// ~8 kHz) and makes frame sizes fixed (25 ms = 400 samples, 10 ms = 160).
#pragma once

#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "voice/frame_matrix.h"

namespace vox::voice {

inline constexpr int kAnalysisRate = 16000;
inline constexpr double kMaxAnalysisSeconds = 20 * 60.0;  // bounds memory; uploads cap at 10 min

// Mixes to mono, replaces non-finite samples by 0, clamps to [-1, 1] and
// resamples to kAnalysisRate. Errors (field "audio"): empty buffer, sample rate
// outside 1000..768000 Hz, channels < 1 or a partial frame, longer than
// kMaxAnalysisSeconds.
Result<audio::PcmBuffer> PrepareAudio(const audio::PcmBuffer& pcm);

struct FeatureConfig {
  int frame_length = 400;  // 25 ms at 16 kHz
  int hop = 160;           // 10 ms
  int fft_size = 512;
  double preemphasis = 0.97;
  int num_mel_bands = 40;
  double min_hz = 20.0;
  double max_hz = 7600.0;
  int num_cepstra = 20;  // c0..c19

  Status Validate() const;  // names the bad field
};

struct Features {
  int sample_rate = kAnalysisRate;
  int hop = 160;
  int frame_length = 400;
  FrameMatrix log_mel;                 // frames x bands, natural log of band power
  FrameMatrix mfcc;                    // frames x cepstra, c0 first
  std::vector<float> energy_db;        // frame level in dBFS (mean square, before pre-emphasis)
  std::vector<double> band_center_hz;  // centre of each mel band

  int num_frames() const { return static_cast<int>(energy_db.size()); }
};

// Frames `pcm` (mono, kAnalysisRate) and computes the features. Audio shorter
// than one frame gives zero frames, not an error: callers decide what is enough.
Result<Features> ExtractFeatures(const audio::PcmBuffer& pcm, const FeatureConfig& config = {});

}  // namespace vox::voice
