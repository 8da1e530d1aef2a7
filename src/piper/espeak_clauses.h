// Text to espeak-ng IPA, clause by clause, as Piper reads it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "piper/clause_end.h"

namespace vox::piper {

struct EspeakClause {
  std::string phonemes;        // espeak's IPA for the clause, as returned (UTF-8)
  std::size_t text_begin = 0;  // the clause's bytes in the text read
  std::size_t text_end = 0;
  ClauseEnd end;
};

// Reads `text` (valid UTF-8 without control characters) with espeak voice
// `espeak_voice` ("en-us") through espeak_TextToPhonemes in IPA mode, holding
// the process's espeak lock (engines::EspeakSession). `espeak_data_dir`:
// empty for whatever directory the process uses. Internal for an unknown
// espeak voice; Unavailable without espeak data.
Result<std::vector<EspeakClause>> ReadClauses(std::string_view text,
                                              const std::string& espeak_voice,
                                              const std::string& espeak_data_dir = {});

}  // namespace vox::piper
