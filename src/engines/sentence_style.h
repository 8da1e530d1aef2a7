// How one sentence of a plan is spoken beyond the plan's own params: what an
// SSML document asked for (prosody, breaks, marks, xml:lang). A default style
// changes nothing, so plain-text plans carry none.
//
// Stored with a job's params (StylesToJson) so the worker that resumes the job
// speaks it the same way; jobs stored without styles resume as plain text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace vox::engines {

struct SentenceStyle {
  double pause_before_s = 0;       // silence before the sentence
  double rate = 1.0;               // multiplies params.speed (the result is clamped to its range)
  double pitch = 1.0;              // multiplies params.pitch (clamped likewise)
  double volume_db = 0.0;          // gain on the sentence's audio
  bool silent = false;             // the sentence's time passes in silence
  std::string language;            // empty: the plan's; set only where the voice speaks it
  std::vector<std::string> marks;  // named positions at the sentence's start, after the pause
  std::string phonemes;            // IPA spoken instead of the text where the engine takes phonemes

  bool IsDefault() const;
  bool operator==(const SentenceStyle&) const = default;
};

// The styles of a plan's sentences (parallel to them) and what follows the last
// sentence (only pause_before_s and marks count there).
struct PlanStyles {
  std::vector<SentenceStyle> sentences;
  SentenceStyle tail;

  bool IsDefault() const;
  bool HasMarks() const;
  // null when every style is the default (plain text): nothing to store.
  nlohmann::json ToJson() const;
  // From ToJson(): null is no styles; otherwise `sentence_count` entries, each
  // value in its range, or kInternal (a stored job that cannot be honoured).
  static Result<PlanStyles> FromJson(const nlohmann::json& j, size_t sentence_count);
};

}  // namespace vox::engines
