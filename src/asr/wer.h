// Word error rate: the edit distance between a reference and a hypothesis,
// in words, divided by the reference's word count.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vox::asr {

// Lower-cases, maps hyphens to spaces and drops other punctuation, so that
// "Twenty-four, please." and "twenty four please" compare equal.
std::vector<std::string> WordsForScoring(std::string_view text);

struct WerResult {
  size_t reference_words = 0;
  size_t errors = 0;  // substitutions + deletions + insertions
  double wer() const { return reference_words ? static_cast<double>(errors) / reference_words : 0; }
};

WerResult WordErrors(std::string_view reference, std::string_view hypothesis);

}  // namespace vox::asr
