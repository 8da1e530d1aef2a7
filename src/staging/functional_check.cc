// Functional: one voice per language (the first the server lists, built-in before clones)
// speaks a short sentence of that language as an async job; its audio must be served,
// decode, be louder than silence and last about as long as the sentence could. English is
// also heard by the recognizer: a voice nobody can understand is broken too.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "audio/dsp.h"
#include "staging/checks.h"
#include "text/utf8.h"

namespace vox::staging {
namespace {

using nlohmann::json;

// Languages without a sentence in the configuration speak the default one. English is
// a pangram: every sound, and words the recognizer knows.
const std::map<std::string, std::string>& BuiltinSentences() {
  static const std::map<std::string, std::string> kSentences = {
      {"en", "The quick brown fox jumps over the lazy dog."},
      {"de", "Guten Tag, dies ist ein kurzer Test."},
      {"fr", "Bonjour, ceci est un court essai."},
      {"es", "Hola, esta es una prueba corta."},
      {"it", "Ciao, questa è una breve prova."},
      {"pt", "Olá, este é um teste curto."},
      {"nl", "Hallo, dit is een korte test."},
      {"pl", "Dzień dobry, to jest krótki test."},
      {"ru", "Здравствуйте, это короткая проверка."},
      {"uk", "Добрий день, це коротка перевірка."},
      {"cs", "Dobrý den, toto je krátký test."},
      {"sv", "Hej, det här är ett kort test."},
      {"tr", "Merhaba, bu kısa bir denemedir."},
      {"ar", "مرحبا، هذا اختبار قصير."},
      {"hi", "नमस्ते, यह एक छोटा परीक्षण है।"},
      {"zh", "你好，这是一个简短的测试。"},
      {"ja", "こんにちは、これは短いテストです。"},
      {"ko", "안녕하세요, 이것은 짧은 테스트입니다."},
      {"vi", "Xin chào, đây là một bài kiểm tra ngắn."},
  };
  return kSentences;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The longest configured prefix ("pt-br" before "pt"), then the built-in table.
std::string SentenceFor(const FunctionalConfig& config, const std::string& language) {
  std::string best, sentence;
  auto consider = [&](const std::map<std::string, std::string>& table) {
    for (const auto& [prefix, text] : table) {
      const std::string p = Lower(prefix);
      const bool match = language == p || language.starts_with(p + "-");
      if (match && p.size() > best.size()) best = p, sentence = text;
    }
  };
  consider(config.sentences);
  if (sentence.empty()) consider(BuiltinSentences());
  return sentence.empty() ? config.default_sentence : sentence;
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct Spoken {
  std::string language;
  ListedVoice voice;
  std::string text;
  Result<audio::PcmBuffer> pcm = Internal("not run");
};

void Judge(const RunContext& run, const Spoken& s, Report& report) {
  const FunctionalConfig& f = run.config.functional;
  const std::string who = s.language;
  if (!s.pcm) {
    report.Outcome("functional", "functional.speaks", who, false,
                   "voice " + s.voice.id + ": " + s.pcm.error().message);
    return;
  }
  const double seconds = s.pcm->duration_s();
  const double chars = static_cast<double>(text::CountCodePoints(s.text));
  const double lo = chars * f.min_seconds_per_char, hi = chars * f.max_seconds_per_char + 1.0;
  report.Outcome("functional", "functional.duration_s", who, seconds >= lo && seconds <= hi,
                 fmt::format("voice {}; plausible for {} characters: {:.2f}..{:.2f} s", s.voice.id,
                             chars, lo, hi),
                 seconds);
  report.Judge("functional", "functional.min_rms", who, audio::Rms(*s.pcm), ">=", f.min_rms,
               "voice " + s.voice.id);
  if (!s.language.starts_with("en")) return;
  if (!run.config.quality.Judged(s.voice.engine)) {
    report.Outcome("functional", "functional.asr_wer", who, true,
                   "not judged: voice " + s.voice.id + " of engine " + s.voice.engine +
                       ", in quality.skip_engines");
    return;
  }
  std::string heard;
  auto errors = HeardErrors(run.asr, *s.pcm, s.text, heard);
  const double bound = run.config.quality.MaxWerFor(s.voice.id, s.voice.engine);
  if (!errors) {
    report.Judge("functional", "functional.asr_wer", who, std::nullopt, "<=", bound,
                 errors.error().message);
    return;
  }
  report.Judge("functional", "functional.asr_wer", who, errors->wer(), "<=", bound,
               fmt::format("voice {} heard \"{}\"", s.voice.id, heard));
}

}  // namespace

void CheckFunctional(const RunContext& run, const std::vector<ListedVoice>& voices,
                     Report& report) {
  std::vector<Spoken> work;
  for (const ListedVoice& v : voices) {
    const std::string language = Lower(v.language);
    if (language.empty()) continue;
    auto seen = std::find_if(work.begin(), work.end(),
                             [&](const Spoken& s) { return s.language == language; });
    if (seen == work.end())
      work.push_back({language, v, SentenceFor(run.config.functional, language)});
  }
  report.Info("functional", "functional.languages", "", static_cast<double>(work.size()),
              fmt::format("{} ready voices listed", voices.size()));
  if (work.empty()) {
    report.Outcome("functional", "functional.speaks", "", false, "the server lists no voice");
    return;
  }
  const auto timeout = run.config.request_timeout();
  ForEachParallel(static_cast<int>(work.size()), run.config.functional.concurrency, [&](int i) {
    Spoken& s = work[i];
    // A mark named after the run changes the cache key but not the audio: every run
    // synthesizes, where the same text alone would be answered from an earlier run's audio.
    json request = {{"text", "<speak>" + XmlEscape(s.text) + "<mark name=\"staging-" + run.run_id +
                                 "\"/></speak>"},
                    {"text_type", "ssml"},
                    {"voice_id", s.voice.id},
                    {"format", "wav"}};
    auto done = run.api.RunJob(request, timeout, std::chrono::milliseconds(50));
    s.pcm = done ? run.api.FetchAudio(done->job)
                 : Result<audio::PcmBuffer>(std::unexpected(done.error()));
  });
  for (const Spoken& s : work) Judge(run, s, report);
}

}  // namespace vox::staging
