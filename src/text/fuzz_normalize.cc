// libFuzzer entry point for the text module (built with -DVOX_FUZZ=ON and
// clang), and the invariant checks it shares with text_fuzz_smoke_test.
#include "text/fuzz_normalize.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "text/normalizer.h"
#include "text/sentence_splitter.h"
#include "text/utf8.h"

namespace vox::text {
namespace {

bool AsciiSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string NonSpace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!AsciiSpace(c)) out += c;
  }
  return out;
}

bool Trimmed(std::string_view s) {
  return s.empty() || (!AsciiSpace(s.front()) && !AsciiSpace(s.back()));
}

std::string CheckEnglish(const std::string& out) {
  for (unsigned char c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'' || c == '-' ||
                    c == ' ' || c == '.' || c == ',' || c == '?' || c == '!';
    if (!ok) return "English output has a character that is not plain speakable text: " + out;
  }
  if (out.find("  ") != std::string::npos || !Trimmed(out)) return "English output spacing: " + out;
  return {};
}

// Normalizing the output again must work and stay plain. (It is also
// unchanged for real text, which text_normalize_test checks on the golden
// cases; for fuzzed garbage such as "P3etc." a second pass may still expand
// what the first read inside a mixed token, which is harmless.)
std::string CheckEnglishTwice(const std::string& out) {
  if (std::string e = CheckEnglish(out); !e.empty()) return e;
  auto again = Normalize(out);
  if (!again) return "normalizing English output failed: " + again.error().ToString();
  return CheckEnglish(*again);
}

std::string CheckNeutral(const std::string& out) {
  if (!ValidateUtf8(out)) return "clean-up produced invalid UTF-8";
  for (unsigned char c : out) {
    if (c < 0x20 || c == 0x7F) return "clean-up left a control character";
  }
  if (out.find("  ") != std::string::npos || !Trimmed(out)) return "clean-up spacing";
  return {};
}

std::string CheckSplit(std::string_view input) {
  const std::vector<std::string> pieces = SplitSentences(input);
  std::string content;
  for (const std::string& piece : pieces) {
    if (piece.empty()) return "empty sentence";
    if (piece.size() > SplitOptions{}.max_bytes) return "sentence longer than max_bytes";
    if (!Trimmed(piece)) return "sentence not trimmed";
    content += NonSpace(piece);
  }
  if (content != NonSpace(input)) return "splitting lost or invented bytes";
  // Streaming in chunks whose size depends on the input gives the same result.
  const std::size_t chunk = 1 + input.size() % 13;
  SentenceSplitter splitter;
  std::vector<std::string> streamed;
  std::string sentence;
  for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
    splitter.Feed(input.substr(pos, chunk));
    while (splitter.Next(&sentence)) streamed.push_back(sentence);
  }
  splitter.Finish();
  while (splitter.Next(&sentence)) streamed.push_back(sentence);
  if (streamed != pieces) return "streaming split differs from one-shot split";
  return {};
}

}  // namespace

std::string CheckTextInvariants(std::string_view input) {
  const bool valid = ValidateUtf8(input).has_value();
  auto english = Normalize(input, {.language = "en"});
  auto other = Normalize(input, {.language = "de"});
  if (english.has_value() != valid || other.has_value() != valid) {
    return "Normalize must fail exactly for invalid UTF-8";
  }
  if (!valid) {
    if (english.error().field != "text") return "error names the wrong field";
  } else {
    if (std::string e = CheckEnglishTwice(*english); !e.empty()) return e;
    if (std::string e = CheckNeutral(*other); !e.empty()) return e;
  }
  if (std::string e = CheckSplit(input); !e.empty()) return e;
  if (valid) {
    // The intended use: split raw text, then normalize each sentence.
    for (const std::string& piece : SplitSentences(input)) {
      auto normalized = Normalize(piece);
      if (!normalized) return "a sentence of valid text failed to normalize";
      if (std::string e = CheckEnglish(*normalized); !e.empty()) return e;
    }
  }
  return {};
}

}  // namespace vox::text

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!vox::text::CheckTextInvariants(input).empty()) __builtin_trap();
  return 0;
}
