// Preprocessing of an uploaded voice sample: from one or more decoded
// recordings (any rate, any channel count) to one clean mono buffer that
// voice cloning can learn from, plus the measurements that decided it.
//
// Steps, per recording: downmix, resample to 16 kHz, WebRTC voice activity
// detection (audio/vad.h), measure clipping (on the original samples) and
// noise; then keep the speech with a short margin, shorten long pauses, join
// the recordings in order and normalize the loudness (EBU R128).
//
// A sample that cloning cannot use is refused with kUnprocessable, field
// "files", and a message naming the rule and the measured value, fit to show
// the user ("the recordings contain 4.2 s of speech; at least 10 s are
// needed"). Malformed buffers and options are invalid_argument.
// Stateless and thread-safe.
#pragma once

#include <span>
#include <string>

#include "audio/pcm_buffer.h"
#include "audio/vad.h"
#include "common/status.h"

namespace vox::voice {

struct PreprocessOptions {
  // 16 kHz: the WebRTC VAD, the speaker encoder (voice/features.h) and ASR
  // all work at 16 kHz, and speech above 8 kHz carries little identity; a
  // higher-rate copy would only be resampled again by every consumer.
  static constexpr int kSampleRate = 16000;

  // The usable minimum for cloning: the speaker statistics (stats/1) settle
  // after roughly 8..10 s of speech; less gives unstable embeddings.
  double min_speech_seconds = 10.0;
  // Total input over all files. Ten minutes is plenty for cloning, and bounds
  // the work one request can cause (Decode's own limit is per file).
  double max_input_seconds = 600.0;
  // Fraction of the samples inside speech at or above 0.99 full scale (any
  // channel). Isolated peaks touching full scale are harmless and stay far
  // below 0.1%; clipped syllables put 1..10% of the speech samples on the
  // rail, and the distortion would be cloned with the voice.
  double max_clipping_fraction = 0.001;
  // Speech power over the noise floor. Below ~15 dB the noise is as loud as
  // soft consonants (fricatives sit 20..30 dB under vowels) and the clone
  // learns the room and the hiss; typical phone recordings in a quiet room
  // measure 25..45 dB here.
  double min_snr_db = 15.0;
  // Pauses longer than this are shortened to it: long pauses teach a clone
  // nothing and would weigh silence into every statistic.
  double max_pause_seconds = 0.5;
  // Kept around speech at the start and end of each recording: the detector
  // decides per 10 ms and often misses a soft first "h" or "s" (100..200 ms).
  double margin_seconds = 0.2;
  // EBU R128's programme level. Speech peaks sit 15..20 dB above its
  // integrated loudness, so -23 LUFS leaves the true-peak ceiling (-1 dBTP)
  // untouched for nearly all speech and the normalization is one exact gain.
  double target_lufs = -23.0;
  double peak_limit_dbfs = -1.0;
  audio::VadAggressiveness vad = audio::VadAggressiveness::kAggressive;

  // A short consent statement ("I, <name>, agree that ..."): 2 s of speech
  // suffice, one minute at most; SNR only needs to keep the words
  // recognizable for ASR (10 dB), and clipping is still refused.
  static PreprocessOptions ForConsent();

  // invalid_argument naming the option at fault.
  Status Validate() const;
  std::string ToString() const;
};

struct PreprocessStats {
  int files = 0;
  double input_seconds = 0;         // all files, as uploaded
  double speech_seconds = 0;        // detected speech phrases, pauses inside a phrase included
  double output_seconds = 0;        // the returned buffer
  double clipping_fraction = 0;     // see PreprocessOptions::max_clipping_fraction
  double snr_db = 0;                // capped at 100 (digital silence between words)
  double loudness_before_lufs = 0;  // integrated, of the kept audio before the gain
  double loudness_after_lufs = 0;
  double gain_db = 0;
};

struct PreprocessedSample {
  audio::PcmBuffer audio;  // mono, PreprocessOptions::kSampleRate
  PreprocessStats stats;
};

// Preprocesses the recordings of one voice sample, in upload order.
Result<PreprocessedSample> PreprocessVoiceSample(std::span<const audio::PcmBuffer> files,
                                                 const PreprocessOptions& options = {});

}  // namespace vox::voice
