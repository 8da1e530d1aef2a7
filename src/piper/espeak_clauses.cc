#include "piper/espeak_clauses.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>

#include "engines/espeak_runtime.h"

namespace vox::piper {
namespace {

constexpr int kPhonemesIpa = 0x02;

// Bytes of the UTF-8 character that ends just before `end`.
std::size_t LastCharBytes(std::string_view text, std::size_t end) {
  std::size_t n = 1;
  while (n < end && n < 4 && (static_cast<unsigned char>(text[end - n]) & 0xC0) == 0x80) ++n;
  return n;
}

}  // namespace

Result<std::vector<EspeakClause>> ReadClauses(std::string_view text,
                                              const std::string& espeak_voice,
                                              const std::string& espeak_data_dir) {
  VOX_ASSIGN_OR_RETURN(engines::EspeakSession session,
                       espeak_data_dir.empty() ? engines::EspeakSession::OpenAny()
                                               : engines::EspeakSession::Open(espeak_data_dir));
  VOX_RETURN_IF_ERROR(session.SelectVoice(espeak_voice));
  // espeak_TextToPhonemes keeps the clause reader's look-ahead character
  // between calls; an empty synthesis (microseconds) resets the reader, so no
  // character of an earlier text leaks into this one.
  static constexpr char kEmpty[] = "";
  espeak_Synth(kEmpty, sizeof(kEmpty), 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
  const std::string input(text);  // NUL-terminated for espeak
  const char* const base = input.c_str();
  const char* pointer = base;
  std::size_t clause_begin = 0;
  std::vector<EspeakClause> clauses;
  while (pointer != nullptr) {
    const char* const before = pointer;
    const char* phonemes = espeak_TextToPhonemes(reinterpret_cast<const void**>(&pointer),
                                                 espeakCHARS_UTF8, kPhonemesIpa);
    EspeakClause clause;
    clause.phonemes = phonemes != nullptr ? phonemes : "";
    clause.text_begin = clause_begin;
    // espeak keeps the first character of the next clause as look-ahead: that
    // character, just before the pointer, belongs to the next clause.
    clause.text_end = pointer == nullptr ? text.size()
                                         : static_cast<std::size_t>(pointer - base) -
                                               LastCharBytes(input, pointer - base);
    clause.text_end = std::clamp(clause.text_end, clause_begin, text.size());
    clause.end = ClassifyClauseEnd(
        text.substr(clause.text_begin, clause.text_end - clause.text_begin), pointer == nullptr);
    clause_begin = clause.text_end;
    clauses.push_back(std::move(clause));
    // Each call consumes at least one character; stop rather than spin if not.
    if (phonemes == nullptr || pointer == before) break;
  }
  return clauses;
}

}  // namespace vox::piper
