// Text normalization: raw user text in, speakable text out.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vox::text {

// Recorded with every prepared job, so a job's spoken text can be traced to the
// rules that made it. Bump it when a rule changes what is said.
inline constexpr std::string_view kNormalizerVersion = "vox-text/2";

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

// One spoken word of a normalized text and the characters of the input it was
// read from. Several words may share a source ("$3.50" gives "three", "dollars",
// "and", "fifty", "cents", each covering all of "$3.50").
struct AlignedSpan {
  std::size_t begin = 0;  // byte range in NormalizedText::text
  std::size_t end = 0;
  std::size_t source_begin = 0;  // byte range in the input given to NormalizeAligned
  std::size_t source_end = 0;
};

struct NormalizedText {
  std::string text;                // exactly what Normalize() returns
  std::vector<AlignedSpan> spans;  // one per word of `text`, in order, non-overlapping

  // SourceOf(spans, begin, end).
  std::pair<std::size_t, std::size_t> SourceOf(std::size_t begin, std::size_t end) const;
};

// The input range behind bytes [begin, end) of a normalized text with these
// `spans`: the union of the sources of the words it overlaps. When it overlaps
// none (punctuation, spaces, an empty range), an empty range at the source
// position of the next word (or after the last one).
std::pair<std::size_t, std::size_t> SourceOf(const std::vector<AlignedSpan>& spans,
                                             std::size_t begin, std::size_t end);

// Normalize(), also reporting where each output word came from, so that word
// timings from an engine can be mapped back onto the caller's text. Same
// errors; about 20% more work than Normalize() (measured on 1 MB of mixed text).
Result<NormalizedText> NormalizeAligned(std::string_view input,
                                        const NormalizeOptions& options = {});

}  // namespace vox::text
