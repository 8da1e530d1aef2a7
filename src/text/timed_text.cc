#include "text/timed_text.h"

#include <algorithm>

namespace vox::text {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Spreads characters [first, last) evenly over [t0, t1]; each one starts exactly where the
// one before it ends, and the last ends at t1 (no rounding step backwards).
void Spread(CharacterAlignment& out, std::size_t first, std::size_t last, double t0, double t1) {
  const std::size_t n = last - first;
  auto boundary = [&](std::size_t k) {
    return k == n ? t1 : t0 + (t1 - t0) * static_cast<double>(k) / static_cast<double>(n);
  };
  for (std::size_t k = 0; k < n; ++k) {
    out.start_s[first + k] = boundary(k);
    out.end_s[first + k] = boundary(k + 1);
  }
}

}  // namespace

std::vector<WordTime> WordTimes(std::string_view text, const std::vector<TimedSpan>& spans) {
  // Merge in byte space first: [begin, end) per word, snapped to whole characters.
  struct Merged {
    std::size_t begin, end;
    double start_s, end_s;
  };
  std::vector<Merged> merged;
  for (const TimedSpan& span : spans) {
    std::size_t begin = std::min(span.begin, text.size());
    std::size_t end = std::min(std::max(span.end, begin), text.size());
    while (begin > 0 && begin < text.size() && IsContinuation(text[begin])) --begin;
    while (end < text.size() && IsContinuation(text[end])) ++end;
    if (begin == end) continue;
    if (!merged.empty() && begin < merged.back().end) {
      Merged& last = merged.back();
      last.begin = std::min(last.begin, begin);
      last.end = std::max(last.end, end);
      last.end_s = std::max(last.end_s, span.end_s);
      continue;
    }
    merged.push_back({begin, end, span.start_s, span.end_s});
  }
  std::vector<WordTime> words;
  words.reserve(merged.size());
  std::size_t byte = 0, chars = 0;  // chars = code points in text[0, byte)
  auto advance_to = [&](std::size_t target) {
    for (; byte < target; ++byte) chars += !IsContinuation(text[byte]);
    return chars;
  };
  double previous_end = 0;
  for (const Merged& m : merged) {
    WordTime w;
    w.word = std::string(text.substr(m.begin, m.end - m.begin));
    w.char_begin = advance_to(m.begin);
    w.char_end = advance_to(m.end);
    w.start_s = std::max(m.start_s, previous_end);
    w.end_s = std::max(m.end_s, w.start_s);
    previous_end = w.end_s;
    words.push_back(std::move(w));
  }
  return words;
}

void Append(CharacterAlignment& to, const CharacterAlignment& more) {
  to.characters.insert(to.characters.end(), more.characters.begin(), more.characters.end());
  to.start_s.insert(to.start_s.end(), more.start_s.begin(), more.start_s.end());
  to.end_s.insert(to.end_s.end(), more.end_s.begin(), more.end_s.end());
}

CharacterAligner::CharacterAligner(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t next = i + 1;
    while (next < text.size() && IsContinuation(text[next])) ++next;
    characters_.push_back(text.substr(i, next - i));
    i = next;
  }
}

CharacterAlignment CharacterAligner::Advance(const std::vector<WordTime>& words) {
  const std::size_t n = characters_.size();
  std::size_t last = cursor_;
  for (const WordTime& w : words) last = std::max(last, std::min(w.char_end, n));
  CharacterAlignment out;
  for (std::size_t i = cursor_; i < last; ++i) out.characters.emplace_back(characters_[i]);
  out.start_s.assign(last - cursor_, 0);
  out.end_s.assign(last - cursor_, 0);
  const std::size_t base = cursor_;
  for (const WordTime& w : words) {
    const std::size_t begin = std::clamp(w.char_begin, cursor_, last);
    const std::size_t end = std::clamp(w.char_end, begin, last);
    const double start = std::max(w.start_s, clock_);
    const double stop = std::max(w.end_s, start);
    Spread(out, cursor_ - base, begin - base, clock_, start);  // the gap before this word
    Spread(out, begin - base, end - base, start, stop);
    cursor_ = end;
    clock_ = stop;
  }
  return out;
}

CharacterAlignment CharacterAligner::Finish(double duration_s) {
  const std::size_t n = characters_.size();
  CharacterAlignment out;
  for (std::size_t i = cursor_; i < n; ++i) out.characters.emplace_back(characters_[i]);
  out.start_s.assign(n - cursor_, 0);
  out.end_s.assign(n - cursor_, 0);
  Spread(out, 0, n - cursor_, clock_, std::max(duration_s, clock_));
  cursor_ = n;
  return out;
}

CharacterAlignment AlignCharacters(std::string_view text, const std::vector<WordTime>& words,
                                   double duration_s) {
  CharacterAligner aligner(text);
  CharacterAlignment out = aligner.Advance(words);
  Append(out, aligner.Finish(duration_s));
  return out;
}

}  // namespace vox::text
