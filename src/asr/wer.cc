#include "asr/wer.h"

#include <algorithm>
#include <cctype>

namespace vox::asr {

std::vector<std::string> WordsForScoring(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char raw : text) {
    unsigned char c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c == '\'') {
      word += static_cast<char>(std::tolower(c));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

WerResult WordErrors(std::string_view reference, std::string_view hypothesis) {
  const auto ref = WordsForScoring(reference);
  const auto hyp = WordsForScoring(hypothesis);
  // Classic Levenshtein over words, one row at a time.
  std::vector<size_t> prev(hyp.size() + 1), cur(hyp.size() + 1);
  for (size_t j = 0; j <= hyp.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= ref.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= hyp.size(); ++j) {
      size_t substitute = prev[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1);
      cur[j] = std::min({substitute, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return WerResult{ref.size(), prev[hyp.size()]};
}

}  // namespace vox::asr
