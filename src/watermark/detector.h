// Detector: finds the mark in audio of any rate, length and offset.
//
// The audio is taken to mono 16 kHz; band energies of 40 ms frames are
// computed on two sub-hop grids (0 and 10 ms), paired into tiles on both frame
// parities, and each tile's log-energy is compared with its four neighbours'
// (a high-pass over time and frequency that leaves the ±strength chips and
// removes the speech's spectral envelope and any gain). Every cycle position
// (64 tiles) of every grid is scored by correlating the sync chips, folded over
// all the cycles the audio holds; the best few positions are decoded (each bit
// the sign of its chips' correlation) and a payload whose CRC checks and whose
// sync score clears the threshold is a detection.
//
// False positives: at most kCandidates decodes per file, each passing a
// 16-bit CRC with probability 2^-16, and only above a sync z-score met by
// ~5% of unmarked files: about 1 in 300,000 unmarked files (the benchmark
// counts them on real recordings).
#pragma once

#include <cstdint>
#include <optional>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "watermark/pattern.h"
#include "watermark/payload.h"

namespace vox::watermark {

struct Detection {
  bool watermarked = false;
  std::optional<uint64_t> id;  // the payload's id, when it was read (CRC checked)
  double sync_z = 0;           // the best cycle position's sync z-score
  double payload_z = 0;        // mean |z| of the payload bits there (diagnostics, benchmarks)
  double confidence = 0;       // 0..1, monotone in sync_z; 0.5 at presence_z
  PayloadEvidence evidence;    // at the best sync position (identify.h), zeros without audio
};

struct DetectOptions {
  double max_seconds = 120;  // only the first seconds are read: the mark repeats every 2.56 s
  // The mark is present when the sync z-score reaches this (the null's maximum over the
  // 256 positions stays under ~4.5 on unmarked speech; see the benchmark), or when a
  // payload read at a position scoring at least decode_min_z passes its CRC.
  double presence_z = 5.0;
  double decode_min_z = 3.0;
};

// kInvalidArgument for empty audio or a rate outside 8..192 kHz.
Result<Detection> Detect(const Pattern& pattern, const audio::PcmBuffer& pcm,
                         const DetectOptions& options = {});

}  // namespace vox::watermark
