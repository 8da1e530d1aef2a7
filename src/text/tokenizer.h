// Splits folded English text into tokens for the normalization rules.
#pragma once

#include <string_view>
#include <vector>

namespace vox::text {

// One whitespace-delimited piece of text, with its surrounding punctuation
// split off: `(Dr.` is lead "(", core "Dr", trail ".". All views point into the
// text given to Tokenize, which must outlive the tokens.
struct Token {
  std::string_view lead;   // opening quotes and brackets
  std::string_view core;   // the word, number, URL, ... (may be empty)
  std::string_view trail;  // closing punctuation: . , ; : ! ? quotes brackets

  bool TrailStartsWith(char c) const { return !trail.empty() && trail.front() == c; }
};

// Also splits pieces that are glued by punctuation: "word--word", "wait...what"
// and "one,two" (between letters; not inside URLs or e-mail addresses).
std::vector<Token> Tokenize(std::string_view text);

}  // namespace vox::text
