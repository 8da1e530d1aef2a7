// Sentence splitting of raw (un-normalized) text for chunked synthesis.
//
// The caller splits the raw text first and then normalizes each sentence, so
// the splitter sees "Dr. Smith paid $3.50." and must not cut it. Splitting is
// linear in the input and streaming: text can be fed in arbitrary chunks
// (e.g. reads from stdin) and the result does not depend on where the chunks
// were cut. Works byte-wise on any input, valid UTF-8 or not, and never fails.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace vox::text {

struct SplitOptions {
  // Sentences longer than this many bytes are cut at a clause boundary (";" or
  // ":" then ","), else at the last space, else at a UTF-8 character boundary.
  // Equals characters for ASCII text. Values below 16 are treated as 16.
  std::size_t max_bytes = 400;
};

// Incremental splitter: Feed() chunks, Next() pops complete sentences, Finish()
// flushes the rest. Sentences are trimmed of surrounding whitespace and never
// empty; a blank line (paragraph break) also ends a sentence. Memory stays
// bounded by one pending sentence (at most max_bytes plus a little lookahead)
// however long the input is. Not thread-safe; one instance per stream.
class SentenceSplitter {
 public:
  explicit SentenceSplitter(SplitOptions options = {});

  void Feed(std::string_view chunk);
  // No more input: whatever is pending becomes the last sentence(s).
  void Finish();
  // Moves the next complete sentence into `*out`; false when none is ready.
  bool Next(std::string* out);

 private:
  struct Decision {
    bool need_more = false;  // lookahead ran past the buffered text
    bool boundary = false;
    std::size_t end = 0;     // sentence end (exclusive) when boundary
    std::size_t resume = 0;  // where scanning continues
  };

  void Scan();
  Decision DecideTerminator(std::size_t pos) const;
  std::size_t FindCut(std::size_t begin) const;
  void Emit(std::size_t begin, std::size_t end);
  std::size_t SkipSpaces(std::size_t pos) const;
  void Compact();

  std::size_t max_bytes_;
  std::string buf_;
  std::size_t start_ = 0;  // start of the pending sentence in buf_
  std::size_t pos_ = 0;    // next byte to scan
  bool finished_ = false;
  std::deque<std::string> ready_;
};

// One-shot convenience: the sentences of `text` in order.
std::vector<std::string> SplitSentences(std::string_view text, const SplitOptions& options = {});

}  // namespace vox::text
