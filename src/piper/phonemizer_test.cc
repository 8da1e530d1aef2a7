// Piper's phonemes from libespeak-ng: the same IPA as the espeak-ng command
// line (which prints one clause per line), with each clause's punctuation
// kept and language flags removed; ids on hand-made maps; missing symbols;
// phoneme_map; German and French; and espeak shared safely with the
// espeak-ng engine running in another thread.
#include "piper/phonemizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>

#include "engines/espeak_engine.h"
#include "piper/phoneme_sequence.h"
#include "piper/testing/espeak_cli.h"
#include "piper/testing/test_voice.h"

namespace vox::piper {
namespace {

using nlohmann::json;

VoiceConfig VoiceFrom(const json& root) {
  auto config = ParseVoiceConfig(root, "test.onnx.json");
  EXPECT_TRUE(config) << config.error().ToString();
  return *config;
}

VoiceConfig Voice(const std::string& espeak_voice) {
  return VoiceFrom(testing::MinimalConfig(espeak_voice));
}

std::vector<std::string> EspeakCli(const std::string& voice, const std::string& text) {
  return testing::EspeakCommandLine(voice, text);
}

// The phoneme content alone: NFD, no language flags, no whitespace, no kept punctuation.
std::u32string Content(const std::string& phonemes) {
  std::u32string out;
  for (char32_t c : RemoveLanguageFlags(NfdCodePoints(phonemes))) {
    if (std::u32string_view(U" \t.,?!:;").find(c) == std::u32string_view::npos) out.push_back(c);
  }
  return out;
}

std::string Joined(const Phonemization& p) {
  std::string all;
  for (const auto& s : p.sentences) all += s.phonemes;
  return all;
}

PhonemizeOptions Raw() {
  PhonemizeOptions options;
  options.prepare = false;
  return options;
}

TEST(Phonemizer, MatchesTheEspeakCommandLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"en-us", "The quick brown fox jumps over the lazy dog."},
      {"en-us", "Hello, world. How are you today?"},
      {"en-us", "She sells sea shells; he reads: books, papers and letters!"},
      {"en-us", "Wait... what are you doing"},
      {"en", "Colour and flavour are spelled differently here."},
      {"de", "Guten Tag, wie geht es Ihnen? Das ist ein Computer."},
      {"fr", "Bonjour, ça va? Le weekend est là."},
      {"es", "El perro come carne, y el gato bebe leche."},
  };
  for (const auto& [voice, text] : cases) {
    auto result = Phonemize(Voice(voice), text, Raw());
    ASSERT_TRUE(result) << result.error().ToString();
    std::string cli;
    for (const std::string& line : EspeakCli(voice, text)) cli += line;
    ASSERT_FALSE(cli.empty()) << "espeak-ng printed nothing for " << text;
    EXPECT_EQ(ToUtf8(Content(Joined(*result))), ToUtf8(Content(cli))) << voice << ": " << text;
  }
}

TEST(Phonemizer, KeepsEachClausesPunctuationAndSplitsSentencesAsPiper) {
  const std::string text = "Hello, world. How are you? Fine: thanks; bye!";
  auto cli = EspeakCli("en-us", text);
  ASSERT_EQ(cli.size(), 6u);
  auto result = Phonemize(Voice("en-us"), text, Raw());
  ASSERT_TRUE(result) << result.error().ToString();
  ASSERT_EQ(result->sentences.size(), 3u);
  auto nfd = [](const std::string& s) { return ToUtf8(NfdCodePoints(s)); };
  EXPECT_EQ(result->sentences[0].phonemes, nfd(cli[0] + ", " + cli[1] + "."));
  EXPECT_EQ(result->sentences[1].phonemes, nfd(cli[2] + "?"));
  EXPECT_EQ(result->sentences[2].phonemes, nfd(cli[3] + ": " + cli[4] + "; " + cli[5] + "!"));
  EXPECT_EQ(result->sentences[0].text, "Hello, world.");
  EXPECT_EQ(result->sentences[1].text, "How are you?");
  EXPECT_EQ(result->sentences[2].text, "Fine: thanks; bye!");

  // No final punctuation: nothing appended, still one sentence; a one-letter last word is read.
  auto open = Phonemize(Voice("en-us"), "Hello there, a", Raw());
  ASSERT_TRUE(open);
  ASSERT_EQ(open->sentences.size(), 1u);
  auto open_cli = EspeakCli("en-us", "Hello there, a");
  ASSERT_EQ(open_cli.size(), 2u);
  EXPECT_EQ(open->sentences[0].phonemes, nfd(open_cli[0] + ", " + open_cli[1]));
}

TEST(Phonemizer, RemovesLanguageSwitchFlags) {
  auto result = Phonemize(Voice("fr"), "Le weekend et le football.", Raw());
  ASSERT_TRUE(result);
  const std::string phonemes = Joined(*result);
  EXPECT_EQ(phonemes.find('('), std::string::npos) << phonemes;
  EXPECT_NE(ToUtf8(NfdCodePoints(phonemes)).find(ToUtf8(NfdCodePoints("wiːkˈɛnd"))),
            std::string::npos)
      << phonemes;
  const std::string cli = EspeakCli("fr", "Le weekend et le football.").at(0);
  EXPECT_NE(cli.find("(en)"), std::string::npos);  // espeak does flag the English words
}

TEST(Phonemizer, IdsInterleaveExactlyOnAHandMadeMap) {
  json root = testing::MinimalConfig();
  // "Hi." is hˈaɪ in espeak's en-us.
  root["phoneme_id_map"]["h"] = {20};
  root["phoneme_id_map"]["ˈ"] = {21};
  root["phoneme_id_map"]["a"] = {22, 23};
  root["phoneme_id_map"]["ɪ"] = {24};
  auto result = Phonemize(VoiceFrom(root), "Hi.", Raw());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->sentences.size(), 1u);
  EXPECT_EQ(result->sentences[0].phonemes, "hˈaɪ.");
  EXPECT_EQ(result->sentences[0].ids,
            (std::vector<int64_t>{1, 0, 20, 0, 21, 0, 22, 23, 0, 24, 0, 10, 0, 2}));
  EXPECT_TRUE(result->missing.empty());
}

TEST(Phonemizer, MissingSymbolsAreSkippedAndCollected) {
  json root = testing::MinimalConfig();
  root["phoneme_id_map"]["h"] = {20};
  auto result = Phonemize(VoiceFrom(root), "Hi. Hi.", Raw());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->sentences.size(), 2u);
  for (const auto& s : result->sentences) {
    EXPECT_EQ(s.ids, (std::vector<int64_t>{1, 0, 20, 0, 10, 0, 2}));
  }
  EXPECT_EQ(result->missing.at(U'ˈ'), 2u);
  EXPECT_EQ(result->missing.at(U'a'), 2u);
  EXPECT_EQ(result->missing.at(U'ɪ'), 2u);
  EXPECT_NE(result->MissingSummary().find("U+026A"), std::string::npos);
}

TEST(Phonemizer, AppliesTheVoicesPhonemeMap) {
  json root = testing::MinimalConfig();
  root["phoneme_map"] = {{"ɪ", {"i", "j"}}, {"ˈ", json::array()}};
  auto result = Phonemize(VoiceFrom(root), "Hi.", Raw());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->sentences.at(0).phonemes, "haij.");
}

TEST(Phonemizer, GivenIpaIsTakenAsEspeaksWouldBe) {
  json root = testing::MinimalConfig();
  root["phoneme_id_map"]["t"] = {20};
  root["phoneme_id_map"]["ə"] = {21};
  root["phoneme_id_map"]["ˈ"] = {22};
  root["phoneme_id_map"]["m"] = {23, 24};
  root["phoneme_id_map"]["c"] = {25};
  root["phoneme_id_map"]["̧"] = {26};  // the cedilla NFD takes off "ç"
  root["phoneme_id_map"]["i"] = {27};
  root["phoneme_map"] = {{"ɪ", {"i"}}};
  // "x" has no id: skipped and counted, as with espeak's output.
  auto result = PhonemizeIpa(VoiceFrom(root), "tomato", " təˈmɪçx ");
  ASSERT_TRUE(result) << result.error().ToString();
  ASSERT_EQ(result->sentences.size(), 1u);
  const PhonemizedSentence& s = result->sentences[0];
  EXPECT_EQ(s.text, "tomato");  // what the timings are on
  EXPECT_EQ(s.phonemes, "təˈmiçx");
  EXPECT_EQ(s.ids,
            (std::vector<int64_t>{1, 0, 20, 0, 21, 0, 22, 0, 23, 24, 0, 27, 0, 25, 0, 26, 0, 2}));
  EXPECT_EQ(result->missing.at(U'x'), 1u);
  EXPECT_EQ(result->missing.size(), 1u);
  EXPECT_FALSE(PhonemizeIpa(VoiceFrom(root), "tomato", "  "));
  EXPECT_FALSE(PhonemizeIpa(VoiceFrom(root), "tomato", "\xff"));
}

TEST(Phonemizer, PhonemeSilenceSplitsSentencesIntoPhrasesAsPiper) {
  json root = testing::MinimalConfig();
  root["phoneme_type"] = "text";
  for (const char* c : {"a", "b", "c"}) root["phoneme_id_map"][c] = {20 + c[0] - 'a'};
  PhonemizedSentence sentence{"", "ab,c,", {}};
  const VoiceConfig plain = VoiceFrom(root);
  sentence.ids = {1, 0, 20, 0, 21, 0, 8, 0, 22, 0, 8, 0, 2};
  auto one = SplitPhrases(sentence, plain);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].ids, sentence.ids);

  root["inference"]["phoneme_silence"] = {{",", 0.25}};
  auto phrases = SplitPhrases(sentence, VoiceFrom(root));
  ASSERT_EQ(phrases.size(), 2u);  // "ab," and "c,"; the empty rest is dropped
  EXPECT_EQ(phrases[0].ids, (std::vector<int64_t>{1, 0, 20, 0, 21, 0, 8, 0, 2}));
  EXPECT_DOUBLE_EQ(phrases[0].silence_after_s, 0.25);
  EXPECT_EQ(phrases[1].ids, (std::vector<int64_t>{1, 0, 22, 0, 8, 0, 2}));
  EXPECT_DOUBLE_EQ(phrases[1].silence_after_s, 0.25);
}

TEST(Phonemizer, ALongPhraseIsCutAtAWordSpaceWithoutSilence) {
  json root = testing::MinimalConfig();
  root["phoneme_type"] = "text";
  root["phoneme_id_map"]["a"] = {20};
  std::string phonemes;
  for (int word = 0; word < 300; ++word) phonemes += "aa ";  // 900 code points
  PhonemizedSentence sentence{"", phonemes, {}};
  auto phrases = SplitPhrases(sentence, VoiceFrom(root));
  ASSERT_EQ(phrases.size(), 3u);  // cut at the first space past 400 and past 800
  size_t spoken = 0;
  for (const PhonemePhrase& phrase : phrases) {
    EXPECT_DOUBLE_EQ(phrase.silence_after_s, 0);
    EXPECT_EQ(phrase.ids.front(), 1);  // each its own ^ ... $
    EXPECT_EQ(phrase.ids.back(), 2);
    spoken += std::count(phrase.ids.begin(), phrase.ids.end(), 20);
  }
  EXPECT_EQ(spoken, 600u);  // nothing lost, nothing doubled
  EXPECT_EQ(std::count(phrases[0].ids.begin(), phrases[0].ids.end(), 3), 134);  // 134 words and their spaces
}

TEST(Phonemizer, TextVoicesUseCodePoints) {
  json root = testing::MinimalConfig();
  root["phoneme_type"] = "text";
  root["phoneme_id_map"]["c"] = {30};
  root["phoneme_id_map"]["\xCC\xA7"] = {31};  // combining cedilla
  auto result = Phonemize(VoiceFrom(root),
                          "\xC3\xA7"
                          "c",
                          Raw());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->sentences.size(), 1u);
  EXPECT_EQ(result->sentences[0].ids, (std::vector<int64_t>{1, 0, 30, 0, 31, 0, 30, 0, 2}));
}

TEST(Phonemizer, EnglishVoicesGetVoxNormalizationFirst) {
  auto result = Phonemize(Voice("en-us"), "It costs $3.50.");
  ASSERT_TRUE(result) << result.error().ToString();
  ASSERT_EQ(result->sentences.size(), 1u);
  EXPECT_EQ(result->sentences[0].text, "It costs three dollars and fifty cents.");
  std::string cli;
  for (const auto& line : EspeakCli("en-us", "It costs three dollars and fifty cents."))
    cli += line;
  EXPECT_EQ(ToUtf8(Content(result->sentences[0].phonemes)), ToUtf8(Content(cli)));
  // A German voice keeps its own reading of numbers (espeak's).
  json de = testing::MinimalConfig("de");
  de["language"] = {{"code", "de_DE"}, {"family", "de"}};
  auto german = Phonemize(VoiceFrom(de), "Es kostet 3 Euro.");
  ASSERT_TRUE(german);
  EXPECT_EQ(german->sentences.at(0).text, "Es kostet 3 Euro.");
}

TEST(Phonemizer, BadInputIsAClearError) {
  auto bad_utf8 = Phonemize(Voice("en-us"), "caf\xC3\x28");
  ASSERT_FALSE(bad_utf8);
  EXPECT_EQ(bad_utf8.error().field, "text");
  auto blank = Phonemize(Voice("en-us"), "  \n ");
  ASSERT_FALSE(blank);
  EXPECT_EQ(blank.error().code, ErrorCode::kInvalidArgument);
  auto unknown = Phonemize(Voice("xx-nonexistent"), "Hello.");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("xx-nonexistent"), std::string::npos);
  // The failure left espeak usable.
  EXPECT_TRUE(Phonemize(Voice("en-us"), "Hello."));
}

std::string Collapsed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == ' ') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Whatever the text (punctuation runs, paragraphs, dashes, scripts espeak
// reads differently), the result is well formed: ^ _ … _ $ with a pad after
// every phoneme, no language flags, every sentence's text inside the input.
TEST(Phonemizer, RandomTextsGiveWellFormedSentences) {
  const std::vector<std::string> pieces = {"a",
                                           "Bob",
                                           "zz",
                                           " ",
                                           "  ",
                                           "\n",
                                           "\n\n",
                                           ".",
                                           ",",
                                           "?",
                                           "!",
                                           ";",
                                           ":",
                                           "\xE2\x80\x94",
                                           "\xE2\x80\xA6",
                                           "...",
                                           "\xC3\xA9t\xC3\xA9",
                                           "\xE3\x80\x82",
                                           "(",
                                           ")",
                                           "\"",
                                           "3",
                                           "-",
                                           "stra\xC3\x9F"
                                           "e",
                                           "x",
                                           "I",
                                           "Dr.",
                                           "weekend"};
  std::mt19937 rng(7);
  const VoiceConfig english = Voice("en-us");
  const VoiceConfig german = Voice("de");
  for (int i = 0; i < 150; ++i) {
    std::string text;
    for (int n = 1 + static_cast<int>(rng() % 30); n > 0; --n)
      text += pieces[rng() % pieces.size()];
    PhonemizeOptions options;
    options.prepare = i % 3 == 0;
    auto result = Phonemize(i % 2 ? german : english, text, options);
    if (!result) {
      EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << text;
      continue;
    }
    for (const auto& s : result->sentences) {
      ASSERT_GE(s.ids.size(), 3u) << text;
      EXPECT_EQ(s.ids[0], 1) << text;
      EXPECT_EQ(s.ids.back(), 2) << text;
      for (size_t k = 1; k + 1 < s.ids.size(); k += 2) EXPECT_EQ(s.ids[k], 0) << text;
      EXPECT_EQ(s.phonemes.find('('), std::string::npos) << text;
      // Unprepared text is only cleaned (whitespace collapsed) before espeak reads it.
      if (!options.prepare) {
        EXPECT_NE(Collapsed(text).find(s.text), std::string::npos) << text;
      }
    }
  }
}

// The engine and the phonemizer share libespeak-ng: neither may see the
// other's voice. The engine speaks Mandarin (which en-us would spell out
// character by character, far longer); the phonemizer reads English.
TEST(Phonemizer, IsSafeBesideTheEspeakEngineInOtherThreads) {
  auto engine = engines::EspeakEngine::Create();
  ASSERT_TRUE(engine) << engine.error().ToString();
  const engines::VoiceInfo* zh = nullptr;
  for (const auto& v : (*engine)->voices()) {
    if (v.id == "espeak-zh") zh = &v;
  }
  ASSERT_NE(zh, nullptr);
  const std::string chinese = "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C";
  auto baseline_audio = (*engine)->Synthesize(chinese, *zh, {});
  ASSERT_TRUE(baseline_audio);
  const double baseline_s = baseline_audio->duration_s();
  const VoiceConfig english = Voice("en-us");
  const VoiceConfig german = Voice("de");
  auto baseline = Phonemize(english, "Good morning, everybody.", Raw());
  ASSERT_TRUE(baseline);

  std::atomic<int> engine_bad = 0, phonemizer_bad = 0;
  std::thread speaker([&] {
    for (int i = 0; i < 15; ++i) {
      auto audio = (*engine)->Synthesize(chinese, *zh, {});
      if (!audio || std::abs(audio->duration_s() - baseline_s) > 0.15 * baseline_s) ++engine_bad;
    }
  });
  std::thread reader([&] {
    for (int i = 0; i < 60; ++i) {
      // Alternating voices makes every call switch espeak's voice.
      if (i % 2 == 1 && !Phonemize(german, "Guten Morgen.", Raw())) ++phonemizer_bad;
      auto again = Phonemize(english, "Good morning, everybody.", Raw());
      if (!again || Joined(*again) != Joined(*baseline)) ++phonemizer_bad;
    }
  });
  speaker.join();
  reader.join();
  EXPECT_EQ(engine_bad, 0);
  EXPECT_EQ(phonemizer_bad, 0);
}

}  // namespace
}  // namespace vox::piper
