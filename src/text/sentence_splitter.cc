#include "text/sentence_splitter.h"

#include <algorithm>

#include "text/sentence_boundary.h"
#include "text/text_util.h"
#include "text/utf8.h"

namespace vox::text {
namespace {

// Lookahead caps keep every decision local, so re-scanning after a short
// chunk costs O(1) and the whole split stays linear even when fed byte by byte.
constexpr std::size_t kMaxRun = 16;   // terminator or closer characters
constexpr std::size_t kMaxGap = 64;   // whitespace after a terminator
constexpr std::size_t kMaxWord = 32;  // next / previous word looked at
constexpr std::size_t kMinMaxBytes = 16;

bool StartsWith(std::string_view s, std::size_t pos, std::string_view what) {
  return s.compare(pos, what.size(), what) == 0;
}

// Length of a sentence terminator at `pos` (. ! ? … and the CJK 。！？), or 0.
// Sets `cjk` for the CJK ones, which need no following space.
std::size_t TerminatorAt(std::string_view s, std::size_t pos, bool* cjk) {
  const char c = s[pos];
  if (c == '.' || c == '!' || c == '?') return 1;
  if (static_cast<unsigned char>(c) < 0x80) return 0;
  if (StartsWith(s, pos, "\u2026")) return 3;
  if (StartsWith(s, pos, "\u3002") || StartsWith(s, pos, "\uFF01") ||
      StartsWith(s, pos, "\uFF1F")) {
    *cjk = true;
    return 3;
  }
  return 0;
}

// Length of a closing quote or bracket at `pos`, or 0.
std::size_t CloserAt(std::string_view s, std::size_t pos) {
  const char c = s[pos];
  if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}') return 1;
  if (static_cast<unsigned char>(c) < 0x80) return 0;
  for (std::string_view closer : {"\u201D", "\u2019", "\u00BB", "\u300D", "\u300F", "\uFF09"}) {
    if (StartsWith(s, pos, closer)) return closer.size();
  }
  return 0;
}

// True when a multi-byte sequence starts at `pos` but the buffer ends inside it.
bool IncompleteAt(std::string_view s, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  const std::size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return pos + len > s.size();
}

}  // namespace

SentenceSplitter::SentenceSplitter(SplitOptions options)
    : max_bytes_(std::max(options.max_bytes, kMinMaxBytes)) {}

void SentenceSplitter::Feed(std::string_view chunk) {
  if (finished_ || chunk.empty()) return;
  buf_.append(chunk);
  Scan();
  Compact();
}

void SentenceSplitter::Finish() {
  if (finished_) return;
  finished_ = true;
  Scan();
  Emit(start_, buf_.size());
  buf_.clear();
  start_ = pos_ = 0;
}

bool SentenceSplitter::Next(std::string* out) {
  if (ready_.empty()) return false;
  *out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

std::size_t SentenceSplitter::SkipSpaces(std::size_t pos) const {
  while (pos < buf_.size() && IsSpace(buf_[pos])) ++pos;
  return pos;
}

void SentenceSplitter::Scan() {
  const std::size_t n = buf_.size();
  while (pos_ < n) {
    if (pos_ - start_ >= max_bytes_) {
      // Over-long: cut now so that latency and memory stay bounded.
      const std::size_t cut = FindCut(start_);
      Emit(start_, cut);
      start_ = SkipSpaces(cut);
      pos_ = std::max(pos_, start_);
      continue;
    }
    const char c = buf_[pos_];
    if (c == '\n') {
      // A blank line (only spaces between two newlines) ends a paragraph.
      std::size_t k = pos_ + 1;
      while (k < n && k - pos_ <= kMaxGap &&
             (buf_[k] == ' ' || buf_[k] == '\t' || buf_[k] == '\r')) {
        ++k;
      }
      if (k == n && !finished_ && k - pos_ <= kMaxGap) return;
      if (k < n && buf_[k] == '\n') {
        Emit(start_, pos_);
        start_ = pos_ = SkipSpaces(k);
      } else {
        pos_ = k;
      }
      continue;
    }
    if (!finished_ && IncompleteAt(buf_, pos_)) return;  // wait for the whole character
    bool cjk = false;
    if (TerminatorAt(buf_, pos_, &cjk) == 0) {
      ++pos_;
      continue;
    }
    const Decision d = DecideTerminator(pos_);
    if (d.need_more) return;
    if (d.boundary) {
      Emit(start_, d.end);
      start_ = SkipSpaces(d.end);
      pos_ = std::max(d.resume, start_);
    } else {
      pos_ = d.resume;
    }
  }
}

SentenceSplitter::Decision SentenceSplitter::DecideTerminator(std::size_t pos) const {
  const std::size_t n = buf_.size();
  Decision d;
  // The terminator run: "." or "?!" or "..." or "…".
  bool cjk = false;
  std::size_t run_end = pos;
  std::string terminator;
  while (run_end < n && run_end - pos < kMaxRun) {
    if (!finished_ && IncompleteAt(buf_, run_end)) return {.need_more = true};
    const std::size_t len = TerminatorAt(buf_, run_end, &cjk);
    if (len == 0) break;
    terminator += len == 1 ? std::string_view(buf_).substr(run_end, 1) : std::string_view("...");
    run_end += len;
  }
  d.resume = run_end;
  if (run_end == n && !finished_) return {.need_more = true};
  // Closing quotes and brackets belong to the sentence they close.
  std::size_t close_end = run_end;
  while (close_end < n && close_end - run_end < kMaxRun) {
    if (!finished_ && IncompleteAt(buf_, close_end)) return {.need_more = true};
    const std::size_t len = CloserAt(buf_, close_end);
    if (len == 0) break;
    close_end += len;
  }
  if (close_end == n && !finished_) return {.need_more = true};
  d.end = close_end;
  if (close_end == n) {
    d.boundary = true;
    return d;
  }
  if (!IsSpace(buf_[close_end])) {
    d.boundary = cjk;  // "3.14", "e.g.", "example.com" continue; CJK needs no space
    return d;
  }
  std::size_t next = close_end;
  while (next < n && IsSpace(buf_[next]) && next - close_end <= kMaxGap) ++next;
  if (next - close_end > kMaxGap) {
    d.boundary = true;  // a long gap separates whatever the words say
    return d;
  }
  if (next == n) {
    if (!finished_) return {.need_more = true};
    d.boundary = true;
    return d;
  }
  if (cjk) {
    d.boundary = true;
    return d;
  }
  std::size_t word_begin = pos;
  while (word_begin > start_ && !IsSpace(buf_[word_begin - 1]) && pos - word_begin < kMaxWord) {
    --word_begin;
  }
  const std::string_view view(buf_);
  const std::string_view word = view.substr(word_begin, pos - word_begin);
  std::size_t next_end = next;
  while (next_end < n && !IsSpace(buf_[next_end]) && next_end - next < kMaxWord) ++next_end;
  // Usually the first character of the next word decides; wait for the whole
  // word only when it matters (and for the opening quotes before it).
  const bool partial = next_end == n && !finished_ && next_end - next < kMaxWord;
  if (partial) {
    std::size_t first = next;
    while (first < n && std::string_view("\"'([{*_").find(buf_[first]) != std::string_view::npos) {
      ++first;
    }
    if (first == n || static_cast<unsigned char>(buf_[first]) >= 0x80 ||
        NextWordMatters(word, terminator)) {
      return {.need_more = true};
    }
  }
  d.boundary = EndsSentence(word, terminator, view.substr(next, next_end - next));
  return d;
}

std::size_t SentenceSplitter::FindCut(std::size_t begin) const {
  // Precondition: buf_ holds more than max_bytes_ bytes after `begin`.
  const std::size_t limit = begin + max_bytes_;
  const std::size_t floor = begin + max_bytes_ / 2;
  const std::string_view view(buf_);
  // A clause boundary in the second half keeps pieces long and natural.
  for (std::string_view marks : {std::string_view(";:"), std::string_view(",")}) {
    for (std::size_t k = limit; k-- > floor;) {
      if (marks.find(view[k]) != std::string_view::npos && IsSpace(view[k + 1])) return k + 1;
    }
  }
  for (std::size_t k = limit; k > begin; --k) {
    if (IsSpace(view[k])) return k;
  }
  const std::size_t safe = Utf8SafeCut(view.substr(begin), max_bytes_);
  return begin + (safe == 0 ? max_bytes_ : safe);
}

void SentenceSplitter::Emit(std::size_t begin, std::size_t end) {
  while (begin < end && IsSpace(buf_[begin])) ++begin;
  while (end > begin && IsSpace(buf_[end - 1])) --end;
  while (end - begin > max_bytes_) {
    const std::size_t cut = FindCut(begin);
    std::size_t piece_end = cut;
    while (piece_end > begin && IsSpace(buf_[piece_end - 1])) --piece_end;
    if (piece_end > begin) ready_.emplace_back(buf_, begin, piece_end - begin);
    begin = SkipSpaces(cut);
  }
  if (end > begin) ready_.emplace_back(buf_, begin, end - begin);
}

void SentenceSplitter::Compact() {
  // Dropping the consumed prefix only when it dominates keeps appends amortized O(1).
  if (start_ == 0 || start_ < buf_.size() / 2) return;
  buf_.erase(0, start_);
  pos_ -= start_;
  start_ = 0;
}

std::vector<std::string> SplitSentences(std::string_view text, const SplitOptions& options) {
  SentenceSplitter splitter(options);
  splitter.Feed(text);
  splitter.Finish();
  std::vector<std::string> out;
  std::string sentence;
  while (splitter.Next(&sentence)) out.push_back(std::move(sentence));
  return out;
}

}  // namespace vox::text
