// What the English token rules see: the token list, the position, and a few
// context questions. Internal to vox_text.
//
// A rule is a function `Match Read...(const Context&, std::size_t i, Emitter&)`
// that looks at token i (and maybe its neighbours). When it does not apply it
// returns an empty Match and emits nothing; when it does, it emits the words
// and says how many tokens it consumed. The normalizer emits the opening
// punctuation of the first token before the rule runs and the closing
// punctuation of the last consumed token after it, minus `trail_skip`
// characters (an abbreviation's own period).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/emitter.h"
#include "text/tokenizer.h"

namespace vox::text {

struct Match {
  std::size_t tokens = 0;
  std::size_t trail_skip = 0;
  explicit operator bool() const { return tokens > 0; }
};

class Context {
 public:
  Context(const std::vector<Token>& tokens, bool shouting) : tokens_(tokens), shouting_(shouting) {}

  std::size_t size() const { return tokens_.size(); }
  const Token& operator[](std::size_t i) const { return tokens_[i]; }
  // The core of token i, or "" past either end.
  std::string_view Core(std::size_t i) const { return i < tokens_.size() ? tokens_[i].core : ""; }
  // True for mostly upper-case input ("THE FBI IS HERE"): capitals then
  // carry no meaning, so only known initialisms are spelled out.
  bool shouting() const { return shouting_; }

  // True when token i opens a sentence.
  bool SentenceStart(std::size_t i) const;
  // True when token i has no trailing punctuation and a token follows it, so a
  // rule may read the two together ("5 km", "March 3"); ctx[i + 1] is then valid.
  bool Joined(std::size_t i) const { return i + 1 < tokens_.size() && tokens_[i].trail.empty(); }
  // Whether the period trailing token i, as an abbreviation's, also ends the sentence.
  bool PeriodEndsSentence(std::size_t i) const;
  // 1 when token i's trail starts with an abbreviation period that does not end
  // the sentence (so the rule swallows it), else 0.
  std::size_t AbbreviationPeriod(std::size_t i) const;
  // The lower-cased core of token i-1 when it is in the same sentence, else "".
  std::string PrevLower(std::size_t i) const;

 private:
  const std::vector<Token>& tokens_;
  bool shouting_;
};

// The rules, in the order the normalizer tries them.
Match ReadFixed(const Context& ctx, std::size_t i, Emitter& out);         // symbols.cc
Match ReadAddress(const Context& ctx, std::size_t i, Emitter& out);       // url_email.cc
Match ReadPhone(const Context& ctx, std::size_t i, Emitter& out);         // phone.cc
Match ReadDateTime(const Context& ctx, std::size_t i, Emitter& out);      // datetime.cc
Match ReadMoney(const Context& ctx, std::size_t i, Emitter& out);         // currency.cc
Match ReadMeasure(const Context& ctx, std::size_t i, Emitter& out);       // units.cc
Match ReadNumber(const Context& ctx, std::size_t i, Emitter& out);        // numbers.cc
Match ReadAbbreviation(const Context& ctx, std::size_t i, Emitter& out);  // abbreviations.cc
Match ReadRomanNumeral(const Context& ctx, std::size_t i, Emitter& out);  // roman_numerals.cc
Match ReadSymbols(const Context& ctx, std::size_t i, Emitter& out);       // symbols.cc
Match ReadWord(const Context& ctx, std::size_t i, Emitter& out);  // words.cc; always matches

}  // namespace vox::text
