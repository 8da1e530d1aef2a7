// Text to a Piper voice's input: sentences of phonemes and ids, identical to
// what Piper computes for the same text.
//
// For espeak voices: libespeak-ng in IPA mode, clause by clause, each clause's
// punctuation kept (clause_end.h), language-switch flags removed, NFD, one
// token per code point, the voice's phoneme_map (Piper's own default for
// pt-br when the voice has none), ids from its phoneme_id_map with the BOS/PAD/
// EOS interleaving. A sentence ends at a clause that ends one (. ? ! and the
// end of the text). For "text" voices: the NFD code points, one sentence.
// Thread-safe: espeak is reached through engines::EspeakSession.
//
// Differences from Piper, on purpose: with `prepare`, Vox splits the raw text
// into sentences and normalizes each (English rules for English voices:
// "$3.50" -> "three dollars and fifty cents") before espeak reads it; without
// it the text is still cleaned (control characters out, whitespace collapsed,
// so a blank line inside it does not end a sentence).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "piper/voice_config.h"

namespace vox::piper {

struct PhonemizedSentence {
  std::string text;      // what espeak read for this sentence
  std::string phonemes;  // UTF-8, after phoneme_map and flag removal, missing ones included
  std::vector<int64_t> ids;
  std::size_t text_begin = 0;  // where `text` starts in the text given (bytes; without prepare)
};

struct Phonemization {
  std::vector<PhonemizedSentence> sentences;
  std::map<char32_t, std::size_t> missing;  // phonemes without ids (skipped), and how often

  // "\"ʔ\" (U+0294) x2, \"x\" (U+0078) x1"; empty when none.
  std::string MissingSummary() const;
};

struct PhonemizeOptions {
  // Raw text: split into sentences and normalize each first. False when the
  // text was prepared already (the synthesis pipeline's sentences).
  bool prepare = true;
  std::string espeak_data_dir;  // empty: the directory the process uses
};

// One piece of a sentence the model is run on by itself, and the silence
// Piper puts after it.
struct PhonemePhrase {
  std::vector<int64_t> ids;  // ^ _ … $ like a sentence's
  double silence_after_s = 0;
};

// Piper's inference.phoneme_silence (piper.cpp): a sentence is cut after each
// phoneme that has a silence, each non-empty piece gets its own ids and is
// followed by that many seconds of silence. Without phoneme_silence: one
// phrase with the sentence's ids.
//
// Unlike Piper, a phrase is also cut (without silence) at the first word
// space past kMaxPhrasePhonemes: VITS's text encoder is quadratic in its
// input (relative-position attention), so one run of a long unpunctuated
// sentence took 63 s and 1.2 GB where its 400-phoneme pieces take a few
// seconds, and a model never heard phrases that long in training.
inline constexpr std::size_t kMaxPhrasePhonemes = 400;
std::vector<PhonemePhrase> SplitPhrases(const PhonemizedSentence& sentence,
                                        const VoiceConfig& voice);

// InvalidArgument (field "text") for malformed UTF-8 or a text with nothing
// to say; Internal when espeak does not know the voice's espeak.voice. Missing
// phonemes are not an error: they are skipped and returned in `missing`, for
// the caller to warn about once (per request, not per phoneme).
Result<Phonemization> Phonemize(const VoiceConfig& voice, std::string_view text,
                                const PhonemizeOptions& options = {});

// Given IPA (SSML <phoneme ph>) instead of espeak's: one sentence of `text` (what the IPA
// reads, for timings) whose phonemes are `ipa` as Piper takes espeak's: NFD, one token per
// code point, the voice's phoneme_map, ids from its phoneme_id_map, symbols without ids
// skipped and counted in `missing`. InvalidArgument ("text") for malformed UTF-8 or blank IPA.
Result<Phonemization> PhonemizeIpa(const VoiceConfig& voice, std::string_view text,
                                   std::string_view ipa);

}  // namespace vox::piper
