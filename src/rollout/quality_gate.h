// The quality gate `vox models promote` runs before a canary becomes stable.
//
// Both versions speak the fixed set (gate_set.h). The candidate must keep up
// with the stable version on three counts, each within a bound:
//   wer         ASR word error rate (pocketsphinx, en-us; English voices only),
//               at most the stable version's + max_wer_increase;
//   similarity  speaker similarity of the candidate's audio to the stable
//               version's (voice::SpeakerEncoder), at least min_similarity;
//   rtf         real-time factor, at most the stable version's x max_rtf_ratio.
// Judge() is the pure decision; EvaluateCanary() measures and judges.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "asr/transcriber.h"
#include "common/status.h"
#include "engines/engine_registry.h"
#include "voice/speaker_encoder.h"

namespace vox::rollout {

struct GateBounds {
  double max_wer_increase = 0.10;  // absolute, in WER (0.10: ten words in a hundred)
  double min_similarity = 0.75;
  double max_rtf_ratio = 1.5;

  Status Validate() const;  // names the flag
};

// What one version did on the set.
struct VersionScore {
  std::string voice;          // the pinned voice id that spoke
  std::optional<double> wer;  // nullopt: not judged (the voice is not English)
  double rtf = 0;             // synthesis seconds / audio seconds; +inf without audio
  double audio_s = 0;
  std::vector<std::string> heard;  // the ASR's transcripts, per sentence
};

struct GateCheck {
  std::string name;  // "wer" | "similarity" | "rtf"
  bool passed = false;
  std::optional<double> value;  // the candidate's figure (nullopt: could not be measured)
  double bound = 0;             // the limit it was held to
  std::string detail;
};

struct GateReport {
  VersionScore stable;
  VersionScore candidate;
  std::optional<double> similarity;
  std::vector<GateCheck> checks;
  bool passed = false;

  nlohmann::json ToJson() const;
};

// The decision on measured scores. `similarity_error` says why there is no
// similarity (a version too quiet to embed), if so.
GateReport Judge(VersionScore stable, VersionScore candidate, std::optional<double> similarity,
                 const std::string& similarity_error, const GateBounds& bounds);

// Speaks the set with `stable_voice` and `candidate_voice` (pinned ids) and
// judges. Each version speaks one untimed sentence first, so a graph's load
// is not counted as synthesis. Errors: a voice that cannot speak at all.
Result<GateReport> EvaluateCanary(const engines::EngineRegistry& engines,
                                  const std::string& stable_voice,
                                  const std::string& candidate_voice, const GateBounds& bounds,
                                  asr::Transcriber& asr, voice::SpeakerEncoder& encoder);

}  // namespace vox::rollout
