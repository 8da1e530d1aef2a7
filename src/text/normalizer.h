// Text normalization: raw user text in, speakable text out.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::text {

struct NormalizeOptions {
  // BCP-47 tag. "en" and "en-*" get the full English rules; any other value
  // (including empty) gets only the language-neutral clean-up, and the
  // engine's own front end reads numbers and abbreviations.
  std::string language = "en";
};

// True for "en", "EN", "en-US", "en_GB", ...
bool IsEnglish(std::string_view language);

// Validates UTF-8 (InvalidArgument naming the byte offset, field "text"),
// removes control characters, collapses whitespace and, for English, rewrites
// the text as plain ASCII words with only . , ? ! punctuation, as the Flite
// front end wants it: "Dr. Smith paid $3.50 on 3/14/2024." -> "Doctor Smith
// paid three dollars and fifty cents on March fourteenth, twenty twenty-four."
// Meant for one sentence at a time (see SplitSentences) but any length works;
// linear time. Thread-safe: no shared state.
Result<std::string> Normalize(std::string_view input, const NormalizeOptions& options = {});

}  // namespace vox::text
