// The last step of fitting a voice conversion: a fitted conversion is only
// accepted if trial syntheses show that it helps and does not hurt.
//
// Measuring the target's profile can go wrong in ways the fit cannot see (a
// high F0 read as a short vocal tract gave a -0.15 warp that pocketsphinx could
// no longer understand), and the fit's own trial score is ranked, not checked
// against doing nothing. So, on a passage of sentences no other fitting step
// uses (GuardPassage), each rung of a ladder of ever safer conversions
//   full (as fitted) -> no_warp (refitted without the frequency warp)
//   -> pitch_only (F0 mapping alone) -> base_voice (no conversion)
// is synthesized and judged against the unconverted base voice on the same
// text: stats/1 cosine to the target's speech must be higher than the base
// voice's by min_similarity_gain, and, when a transcriber is given, the
// pocketsphinx word error rate may exceed the base voice's by at most
// max_wer_increase. The first rung that passes is chosen; the base voice
// itself always passes, so a clone is never less similar than its base voice
// nor (within the bound) less intelligible.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "asr/transcriber.h"
#include "common/status.h"
#include "engines/conversion_engine.h"
#include "engines/voice_conversion.h"
#include "voice/speaker_encoder.h"

namespace vox::voice {

struct GuardOptions {
  double min_similarity_gain = 0.0;  // cosine over the base voice's, to accept a conversion
  double max_wer_increase = 0.10;    // WER over the base voice's (absolute), to accept one

  Status Validate() const;  // invalid_argument naming "options.<name>"
};

// One rung tried: its measurements and verdict.
struct GuardStep {
  std::string step;       // "full", "no_warp", "pitch_only", "base_voice"
  double similarity = 0;  // cosine to the target speech, on the guard passage
  double wer = -1;        // pocketsphinx WER on the guard passage; -1 without a transcriber
  bool accepted = false;
  std::string reason;  // why it was accepted or refused, in words
};

struct GuardReport {
  std::string chosen;          // the accepted step's name
  double base_similarity = 0;  // the unconverted base voice, same passage
  double base_wer = -1;
  std::vector<GuardStep> steps;  // in the order tried, the accepted one last
};

// A rung: its name and how to make it (lazily: a refit costs trial syntheses).
struct GuardRung {
  std::string step;
  std::function<Result<engines::VoiceConversion>()> make;
};

// Tries `rungs` in order (all on one base voice) and returns the first that
// passes, or the base voice's identity conversion ("base_voice") when none
// does. `transcriber` may be null (no intelligibility check). Thread-safe
// given a thread-safe transcriber.
Result<engines::VoiceConversion> GuardConversion(const std::string& base_voice,
                                                 const std::vector<GuardRung>& rungs,
                                                 const Embedding& target_embedding,
                                                 engines::VoiceConversionEngine& flite,
                                                 asr::Transcriber* transcriber,
                                                 const GuardOptions& options, GuardReport& report);

// Harvard list 9: disjoint from the reference and trial passages.
const std::vector<std::string>& GuardPassage();

}  // namespace vox::voice
