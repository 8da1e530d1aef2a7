#include "piper/phonemizer.h"

#include <fmt/format.h>

#include "piper/espeak_clauses.h"
#include "piper/phoneme_sequence.h"
#include "text/normalizer.h"
#include "text/sentence_splitter.h"
#include "text/utf8.h"

namespace vox::piper {
namespace {

// piper-phonemize's DEFAULT_PHONEME_MAP, used when a voice brings none.
const PhonemeMap& DefaultPhonemeMap(const std::string& espeak_voice) {
  static const PhonemeMap kPortugueseBrazil = {{U'c', {U'k'}}};
  static const PhonemeMap kNone;
  return espeak_voice == "pt-br" ? kPortugueseBrazil : kNone;
}

std::string_view Trim(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

struct SentenceBuilder {
  std::u32string phonemes;
  std::size_t text_begin = std::string_view::npos;
  std::size_t text_end = 0;
};

class Assembler {
 public:
  Assembler(const VoiceConfig& voice, Phonemization& out) : voice_(voice), out_(out) {}

  Status Espeak(std::string_view text, const std::string& data_dir) {
    const PhonemeMap& map = EspeakMap();
    VOX_ASSIGN_OR_RETURN(std::vector<EspeakClause> clauses,
                         ReadClauses(text, voice_.espeak_voice, data_dir));
    SentenceBuilder sentence;
    for (const EspeakClause& clause : clauses) {
      sentence.text_begin = std::min(sentence.text_begin, clause.text_begin);
      sentence.text_end = clause.text_end;
      sentence.phonemes +=
          RemoveLanguageFlags(ApplyPhonemeMap(NfdCodePoints(clause.phonemes), map));
      sentence.phonemes += PunctuationPhonemes(clause.end.punctuation);
      if (clause.end.ends_sentence) Finish(text, sentence);
    }
    Finish(text, sentence);
    return {};
  }

  // The same steps on IPA the caller gave for the whole of `text`.
  void Ipa(std::string_view text, std::string_view ipa) {
    SentenceBuilder sentence{ApplyPhonemeMap(NfdCodePoints(ipa), EspeakMap()), 0, text.size()};
    Finish(text, sentence);
  }

  void Codepoints(std::string_view text) {
    SentenceBuilder sentence{ApplyPhonemeMap(NfdCodePoints(text), voice_.phoneme_map), 0,
                             text.size()};
    Finish(text, sentence);
  }

 private:
  const PhonemeMap& EspeakMap() const {
    return voice_.phoneme_map.empty() ? DefaultPhonemeMap(voice_.espeak_voice) : voice_.phoneme_map;
  }

  void Finish(std::string_view text, SentenceBuilder& sentence) {
    if (!sentence.phonemes.empty()) {
      PhonemizedSentence done;
      if (sentence.text_begin < sentence.text_end) {
        const std::string_view read =
            text.substr(sentence.text_begin, sentence.text_end - sentence.text_begin);
        const std::string_view trimmed = Trim(read);
        done.text = std::string(trimmed);
        done.text_begin = sentence.text_begin + static_cast<size_t>(trimmed.data() - read.data());
      }
      done.phonemes = ToUtf8(sentence.phonemes);
      done.ids = PhonemeIds(sentence.phonemes, voice_.phoneme_id_map, out_.missing);
      out_.sentences.push_back(std::move(done));
    }
    sentence = SentenceBuilder();
  }

  const VoiceConfig& voice_;
  Phonemization& out_;
};

}  // namespace

std::string Phonemization::MissingSummary() const {
  std::string summary;
  for (const auto& [phoneme, count] : missing) {
    if (!summary.empty()) summary += ", ";
    summary += fmt::format("\"{}\" (U+{:04X}) x{}", ToUtf8(std::u32string(1, phoneme)),
                           static_cast<uint32_t>(phoneme), count);
  }
  return summary;
}

std::vector<PhonemePhrase> SplitPhrases(const PhonemizedSentence& sentence,
                                        const VoiceConfig& voice) {
  if (voice.phoneme_silence.empty() && sentence.phonemes.size() <= kMaxPhrasePhonemes) {
    return {PhonemePhrase{sentence.ids, 0}};  // bytes >= code points: surely short enough
  }
  std::vector<PhonemePhrase> phrases;
  std::map<char32_t, std::size_t> missing;  // Phonemize() reported them already
  std::u32string phrase;
  auto flush = [&](double silence_s) {
    if (!phrase.empty()) {
      phrases.push_back({PhonemeIds(phrase, voice.phoneme_id_map, missing), silence_s});
    }
    phrase.clear();
  };
  for (std::size_t pos = 0; pos < sentence.phonemes.size();) {
    const char32_t p = text::DecodeUtf8(sentence.phonemes, pos);
    phrase.push_back(p);
    if (auto it = voice.phoneme_silence.find(p); it != voice.phoneme_silence.end()) {
      flush(it->second);
    } else if (p == U' ' && phrase.size() > kMaxPhrasePhonemes) {
      flush(0);
    }
  }
  flush(0);
  return phrases;
}

Result<Phonemization> Phonemize(const VoiceConfig& voice, std::string_view text,
                                const PhonemizeOptions& options) {
  VOX_RETURN_IF_ERROR(text::ValidateUtf8(text));
  std::vector<std::string> pieces;
  if (options.prepare) {
    text::NormalizeOptions normalize;
    normalize.language = voice.language.Bcp47();
    for (const std::string& sentence : text::SplitSentences(text)) {
      VOX_ASSIGN_OR_RETURN(std::string normalized, text::Normalize(sentence, normalize));
      if (!Trim(normalized).empty()) pieces.push_back(std::move(normalized));
    }
  } else if (!Trim(text).empty()) {
    // Control characters would reach espeak as its embedded commands.
    VOX_ASSIGN_OR_RETURN(std::string cleaned,
                         text::Normalize(text, text::NormalizeOptions{.language = ""}));
    pieces.push_back(std::move(cleaned));
  }
  if (pieces.empty()) return InvalidArgument("text has nothing to say", "text");

  Phonemization out;
  Assembler assembler(voice, out);
  for (const std::string& piece : pieces) {
    if (voice.phoneme_type == PhonemeType::kText) {
      assembler.Codepoints(piece);
    } else {
      VOX_RETURN_IF_ERROR(assembler.Espeak(piece, options.espeak_data_dir));
    }
  }
  return out;
}

Result<Phonemization> PhonemizeIpa(const VoiceConfig& voice, std::string_view text,
                                   std::string_view ipa) {
  VOX_RETURN_IF_ERROR(text::ValidateUtf8(text));
  VOX_RETURN_IF_ERROR(text::ValidateUtf8(ipa));
  if (Trim(ipa).empty()) return InvalidArgument("the phonemes are blank", "text");
  Phonemization out;
  Assembler(voice, out).Ipa(text, Trim(ipa));
  return out;
}

}  // namespace vox::piper
