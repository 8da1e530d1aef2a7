#include "neural/piper_timings.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "text/utf8.h"

namespace vox::neural {
namespace {

struct TextWord {
  size_t begin = 0, end = 0;  // bytes, punctuation at the edges trimmed
  double letters = 0;
};

struct PhonemeWord {
  double start = 0, end = 0;  // samples in the chunk
  double phonemes = 0;
};

// Runs of non-space characters with at least one letter or digit.
std::vector<TextWord> SplitTextWords(std::string_view text) {
  std::vector<TextWord> words;
  size_t pos = 0;
  TextWord word;
  bool in_word = false;
  size_t last_alnum_end = 0;
  auto close = [&] {
    if (in_word && word.letters > 0) {
      word.end = last_alnum_end;
      words.push_back(word);
    }
    in_word = false;
  };
  while (pos < text.size()) {
    const size_t at = pos;
    const char32_t c = text::DecodeUtf8(text, pos);
    if (u_isUWhiteSpace(static_cast<UChar32>(c))) {
      close();
      continue;
    }
    if (!u_isalnum(static_cast<UChar32>(c))) continue;  // edges trimmed, inner kept by range
    if (!in_word) {
      word = TextWord{at, pos, 0};
      in_word = true;
    }
    word.letters += 1;
    last_alnum_end = pos;
  }
  close();
  return words;
}

std::vector<PhonemeWord> SplitPhonemeWords(const std::vector<PhraseRun>& runs,
                                           const PhonemeClasses& classes) {
  std::vector<PhonemeWord> words;
  for (const PhraseRun& run : runs) {
    if (run.frames.size() != run.ids.size()) return {};
    const double total = std::accumulate(run.frames.begin(), run.frames.end(), 0.0);
    if (!(total > 0) || run.samples == 0) return {};
    const double per_frame = static_cast<double>(run.samples) / total;
    double cursor = static_cast<double>(run.first_sample);
    std::optional<PhonemeWord> word;
    for (size_t k = 0; k < run.ids.size(); ++k) {
      const double begin = cursor;
      cursor += std::max(0.f, run.frames[k]) * per_frame;
      if (classes.IsSpace(run.ids[k])) {
        if (word) words.push_back(*word);
        word.reset();
      } else if (classes.IsSpeech(run.ids[k])) {
        if (!word) word = PhonemeWord{begin, cursor, 0};
        word->end = cursor;
        word->phonemes += 1;
      }
    }
    if (word) words.push_back(*word);
  }
  return words;
}

// A group of the alignment: phoneme words [p0, p1) read text words [t0, t1);
// one side has exactly one word.
struct Group {
  size_t p0, p1, t0, t1;
};

constexpr size_t kMaxGroup = 4;  // words one word of the other side may stand for

// Monotone alignment minimising the squared mismatch of lengths (phonemes vs
// letters scaled by the sentence's ratio), by dynamic programming.
std::vector<Group> Align(const std::vector<PhonemeWord>& ph, const std::vector<TextWord>& tx) {
  const size_t m = ph.size(), n = tx.size();
  double ph_total = 0, tx_total = 0;
  for (const auto& w : ph) ph_total += w.phonemes;
  for (const auto& w : tx) tx_total += w.letters;
  const double ratio = ph_total / tx_total;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> cost(m + 1, std::vector<double>(n + 1, kInf));
  std::vector<std::vector<std::pair<size_t, size_t>>> from(
      m + 1, std::vector<std::pair<size_t, size_t>>(n + 1));
  cost[0][0] = 0;
  for (size_t i = 0; i <= m; ++i) {
    for (size_t j = 0; j <= n; ++j) {
      if (cost[i][j] == kInf) continue;
      auto relax = [&](size_t i2, size_t j2) {
        if (i2 > m || j2 > n) return;
        double a = 0, b = 0;
        for (size_t k = i; k < i2; ++k) a += ph[k].phonemes;
        for (size_t k = j; k < j2; ++k) b += tx[k].letters * ratio;
        // A small price per group beyond one-to-one keeps equal counts paired.
        const double c = cost[i][j] + (a - b) * (a - b) + ((i2 - i) + (j2 - j) - 2) * 0.5;
        if (c < cost[i2][j2]) {
          cost[i2][j2] = c;
          from[i2][j2] = {i, j};
        }
      };
      for (size_t t = 1; t <= kMaxGroup; ++t) relax(i + 1, j + t);
      for (size_t t = 2; t <= kMaxGroup; ++t) relax(i + t, j + 1);
    }
  }
  if (cost[m][n] == kInf) return {};
  std::vector<Group> groups;
  for (size_t i = m, j = n; i > 0 || j > 0;) {
    const auto [pi, pj] = from[i][j];
    groups.push_back({pi, i, pj, j});
    i = pi;
    j = pj;
  }
  std::reverse(groups.begin(), groups.end());
  return groups;
}

}  // namespace

PhonemeClasses::PhonemeClasses(const piper::VoiceConfig& voice) {
  for (const auto& [symbol, ids] : voice.phoneme_id_map) {
    const auto c = static_cast<UChar32>(symbol);
    const bool markers = symbol == U'^' || symbol == U'$' || symbol == U'_';
    if (symbol == U' ') {
      spaces_.insert(ids.begin(), ids.end());
    } else if (markers || u_ispunct(c) || u_isUWhiteSpace(c)) {
      silent_.insert(ids.begin(), ids.end());
    }
  }
}

std::vector<engines::TimingItem> WordTimings(std::string_view text,
                                             const std::vector<PhraseRun>& runs,
                                             const PhonemeClasses& classes, int sample_rate) {
  const std::vector<TextWord> tx = SplitTextWords(text);
  const std::vector<PhonemeWord> ph = SplitPhonemeWords(runs, classes);
  if (tx.empty() || ph.empty() || sample_rate <= 0) return {};
  std::vector<engines::TimingItem> items;
  for (const Group& g : Align(ph, tx)) {
    const double start = ph[g.p0].start, end = ph[g.p1 - 1].end;
    double letters = 0;
    for (size_t k = g.t0; k < g.t1; ++k) letters += tx[k].letters;
    double at = start;
    for (size_t k = g.t0; k < g.t1; ++k) {
      const double share = (end - start) * tx[k].letters / letters;
      engines::TimingItem item;
      item.unit = engines::TimingItem::Unit::kWord;
      item.text_begin = tx[k].begin;
      item.text_end = tx[k].end;
      item.label = std::string(text.substr(item.text_begin, item.text_end - item.text_begin));
      item.start_s = at / sample_rate;
      at = k + 1 == g.t1 ? end : at + share;
      item.end_s = at / sample_rate;
      items.push_back(std::move(item));
    }
  }
  return items;
}

}  // namespace vox::neural
