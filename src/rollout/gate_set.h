// The fixed set a canary is judged on: sentences from the normalization cases
// of tests/testdata/intelligibility_en.tsv (numbers, money, dates,
// abbreviations), each with what a listener should hear. Compiled in, so
// `vox models promote` judges the same way wherever it runs.
#pragma once

#include <span>
#include <string_view>

namespace vox::rollout {

struct GateSentence {
  std::string_view text;       // what is synthesized (raw: normalization runs)
  std::string_view reference;  // the words the ASR should hear
};

std::span<const GateSentence> GateSentences();

}  // namespace vox::rollout
