// The one suite every engine passes: whatever EngineRegistry loads (flite,
// espeak-ng, later neural engines) is instantiated here by name, and its
// declared capabilities are checked against what it actually does.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engines/conversion_engine.h"
#include "engines/engine_registry.h"
#include "engines/testing/shared_registry.h"

namespace vox::engines {
namespace {

using Clock = std::chrono::steady_clock;

#ifdef VOX_CONFORMANCE_REGISTRY
}  // namespace
// Another module's test target compiles this suite with its own engines
// (src/neural: Piper voices) and defines this.
namespace testing {
const EngineRegistry& ConformanceRegistry();
}
namespace {
const EngineRegistry& Registry() { return testing::ConformanceRegistry(); }
#else
const EngineRegistry& Registry() { return testing::SharedRegistry(); }
#endif

std::vector<std::string> EngineNames() {
  std::vector<std::string> names;
  for (const auto& engine : Registry().engines()) names.push_back(engine->name());
  return names;
}

constexpr char kSentence[] = "The quick brown fox jumps over the lazy dog.";
constexpr int kSentenceWords = 9;

class EngineConformance : public ::testing::TestWithParam<std::string> {
 protected:
  Engine& engine() {
    for (const auto& e : Registry().engines()) {
      if (e->name() == GetParam()) return *e;
    }
    ADD_FAILURE() << "no engine " << GetParam();
    return *Registry().engines().front();
  }
  // The first voice: the engine's default (flite-slt, espeak-en).
  const VoiceInfo& voice() { return engine().voices().front(); }

  // All chunks of one call, checked for shape on the way.
  std::vector<AudioChunk> Stream(std::string_view text, const VoiceInfo& v,
                                 const SynthesisParams& params = {}) {
    std::vector<AudioChunk> chunks;
    const Status s = engine().SynthesizeStream(text, v, params, [&](AudioChunk&& c) -> Status {
      chunks.push_back(std::move(c));
      return {};
    });
    EXPECT_TRUE(s.has_value()) << v.id << ": " << s.error().ToString();
    return chunks;
  }
};

AudioChunkSink CountChunks(int& chunks) {
  return [&chunks](AudioChunk&&) -> Status {
    ++chunks;
    return {};
  };
}

void ExpectSoundAudio(const audio::PcmBuffer& pcm, const VoiceInfo& v) {
  EXPECT_EQ(pcm.sample_rate, v.sample_rate) << v.id;
  EXPECT_EQ(pcm.channels, 1) << v.id;
  ASSERT_FALSE(pcm.empty()) << v.id;
  double energy = 0;
  for (float s : pcm.samples) {
    ASSERT_TRUE(std::isfinite(s)) << v.id;
    ASSERT_LE(std::fabs(s), 1.0f) << v.id;
    energy += static_cast<double>(s) * s;
  }
  EXPECT_GT(std::sqrt(energy / pcm.samples.size()), 0.005) << v.id << " is silent";
}

TEST_P(EngineConformance, CapabilitiesMatchTheVoicesAndInterfaces) {
  const EngineCapabilities caps = engine().capabilities();
  std::vector<std::string> ids;
  for (const VoiceInfo& v : engine().voices()) {
    ids.push_back(v.id);
    EXPECT_EQ(v.engine, engine().name());
    EXPECT_GT(v.sample_rate, 0) << v.id;
  }
  EXPECT_EQ(caps.voices, ids);
  ASSERT_FALSE(caps.languages.empty());
  for (const std::string& language : caps.languages) {
    bool spoken = false;
    for (const VoiceInfo& v : engine().voices()) spoken |= engine().SupportsLanguage(v, language);
    EXPECT_TRUE(spoken) << "declared language " << language << " is spoken by no voice";
  }
  for (const VoiceInfo& v : engine().voices()) {
    EXPECT_TRUE(engine().SupportsLanguage(v, v.language)) << v.id;
  }
  EXPECT_EQ(caps.voice_conversion, engine().voice_conversion() != nullptr);
  if (VoiceConversionEngine* converting = engine().voice_conversion()) {
    EXPECT_EQ(static_cast<Engine*>(converting), &engine());
  }
}

TEST_P(EngineConformance, EveryListedVoiceSpeaksAtItsDeclaredRate) {
  for (const VoiceInfo& v : engine().voices()) {
    auto pcm = engine().Synthesize("Hello world, one two three.", v, {});
    ASSERT_TRUE(pcm.has_value()) << v.id << ": " << pcm.error().ToString();
    ExpectSoundAudio(*pcm, v);
    EXPECT_GT(pcm->duration_s(), 0.5) << v.id;
    EXPECT_LT(pcm->duration_s(), 10.0) << v.id;
  }
}

TEST_P(EngineConformance, StreamDeliversTheSameAudioAsSynthesize) {
  const std::vector<AudioChunk> chunks = Stream(kSentence, voice());
  ASSERT_FALSE(chunks.empty());
  if (engine().capabilities().streaming == StreamingGranularity::kSentence) {
    EXPECT_EQ(chunks.size(), 1u);
  }
  size_t samples = 0;
  double offset = 0;
  for (const AudioChunk& c : chunks) {
    ExpectSoundAudio(c.pcm, voice());
    EXPECT_NEAR(c.offset_s, offset, 1e-9);
    offset += c.pcm.duration_s();
    samples += c.pcm.samples.size();
  }
  auto whole = engine().Synthesize(kSentence, voice(), {});
  ASSERT_TRUE(whole.has_value());
  // Within 10%: some engines (espeak-ng) are not bit-reproducible between calls.
  EXPECT_NEAR(static_cast<double>(samples), static_cast<double>(whole->samples.size()),
              0.1 * whole->samples.size());
}

TEST_P(EngineConformance, TimingsAreOrderedInsideTheAudioAndPointAtTheWords) {
  const EngineCapabilities caps = engine().capabilities();
  const std::string text = kSentence;
  const std::vector<AudioChunk> chunks = Stream(text, voice());
  ASSERT_FALSE(chunks.empty());
  std::vector<const TimingItem*> words;
  double audio_s = 0;
  for (const AudioChunk& c : chunks) {
    audio_s += c.pcm.duration_s();
    if (caps.timing == TimingGranularity::kNone) {
      EXPECT_TRUE(c.timings.empty());
      continue;
    }
    const double duration = c.pcm.duration_s();
    double last_start[3] = {0, 0, 0}, last_end[3] = {0, 0, 0};
    for (const TimingItem& t : c.timings) {
      const int unit = static_cast<int>(t.unit);
      EXPECT_LE(0.0, t.start_s);
      EXPECT_LE(t.start_s, t.end_s) << t.label;
      EXPECT_LE(t.end_s, duration + 1e-9) << t.label;
      EXPECT_GE(t.start_s, last_start[unit]) << t.label << ": out of order";
      EXPECT_GE(t.start_s, last_end[unit] - 1e-9) << t.label << ": overlaps the previous unit";
      last_start[unit] = t.start_s;
      last_end[unit] = t.end_s;
      EXPECT_LE(t.text_begin, t.text_end);
      EXPECT_LE(t.text_end, text.size());
      if (t.unit == TimingItem::Unit::kWord) words.push_back(&t);
    }
    if (caps.timing == TimingGranularity::kPhoneme) {
      EXPECT_TRUE(std::any_of(c.timings.begin(), c.timings.end(), [](const TimingItem& t) {
        return t.unit == TimingItem::Unit::kPhoneme;
      }));
    }
  }
  if (caps.timing == TimingGranularity::kNone) return;
  // Each word of the sentence, in order, with its own characters and a real duration.
  ASSERT_EQ(words.size(), static_cast<size_t>(kSentenceWords));
  const char* expected[] = {"The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"};
  double spoken = 0;
  // (words[i] times are relative to their chunk; durations need no offset)
  for (int i = 0; i < kSentenceWords; ++i) {
    EXPECT_EQ(text.substr(words[i]->text_begin, words[i]->text_end - words[i]->text_begin),
              expected[i]);
    EXPECT_GT(words[i]->end_s - words[i]->start_s, 0.05) << expected[i];
    spoken += words[i]->end_s - words[i]->start_s;
  }
  // The words cover most of the audio: the timings describe this audio, not a guess.
  EXPECT_GT(spoken, 0.6 * audio_s);

  // Twice the speed: every word ends about twice as early.
  SynthesisParams fast;
  fast.speed = 2.0;
  const std::vector<AudioChunk> quick = Stream(text, voice(), fast);
  ASSERT_FALSE(quick.empty());
  const auto last_word_end = [](const std::vector<AudioChunk>& cs) {
    double end = 0;
    for (const AudioChunk& c : cs) {
      for (const TimingItem& t : c.timings) {
        if (t.unit == TimingItem::Unit::kWord) end = std::max(end, c.offset_s + t.end_s);
      }
    }
    return end;
  };
  EXPECT_NEAR(last_word_end(quick) / last_word_end(chunks), 0.5, 0.15);
}

// A sentence long enough to take a while, with no sentence boundary in it.
std::string LongSentence() {
  std::string text;
  while (text.size() < 1500) text += "and the quick brown fox jumps over the lazy dog ";
  return text;
}

TEST_P(EngineConformance, SubSentenceStreamingDeliversEarly) {
  if (engine().capabilities().streaming != StreamingGranularity::kSubSentence) {
    GTEST_SKIP() << "one chunk per sentence";
  }
  const std::string text = LongSentence();
  const auto start = Clock::now();
  double first_chunk_s = -1;
  std::vector<AudioChunk> chunks;
  const Status s = engine().SynthesizeStream(text, voice(), {}, [&](AudioChunk&& c) -> Status {
    if (chunks.empty()) first_chunk_s = std::chrono::duration<double>(Clock::now() - start).count();
    chunks.push_back(std::move(c));
    return {};
  });
  const double total_s = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  std::printf("[ figures  ] %s: %zu chunks, first after %.3f s of %.3f s\n",
              engine().name().c_str(), chunks.size(), first_chunk_s, total_s);
  EXPECT_GT(chunks.size(), 10u);
  EXPECT_LT(first_chunk_s, 0.8 * total_s);
  // No word is cut in two: each word item lies inside one chunk, and together
  // the chunks hold every word of the text once.
  size_t words = 0;
  for (const AudioChunk& c : chunks) {
    for (const TimingItem& t : c.timings) words += t.unit == TimingItem::Unit::kWord;
  }
  EXPECT_EQ(words, static_cast<size_t>(std::count(text.begin(), text.end(), ' ')));
}

TEST_P(EngineConformance, CancelStopsALongSentencePromptly) {
  if (!engine().capabilities().cancel_within_sentence) {
    // Nothing to measure, and a long sentence can take minutes (a neural graph).
    GTEST_SKIP() << "cancels between sentences only";
  }
  const std::string text = LongSentence();
  const auto full_start = Clock::now();
  auto full = engine().Synthesize(text, voice(), {});
  const double full_s = std::chrono::duration<double>(Clock::now() - full_start).count();
  ASSERT_TRUE(full.has_value()) << full.error().ToString();

  // Canceled 10% into the work it would take: it must stop well before the end.
  const auto start = Clock::now();
  int chunks = 0;
  const Status s = engine().SynthesizeStream(text, voice(), {}, CountChunks(chunks), [&] {
    return Clock::now() - start > std::chrono::duration<double>(0.1 * full_s);
  });
  const double canceled_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("[ figures  ] %s: full sentence %.3f s, canceled after %.3f s\n",
              engine().name().c_str(), full_s, canceled_s);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kCanceled);
  EXPECT_EQ(chunks, 0) << "no audio of a canceled sentence is delivered";
  // flite cannot stop before its vocoder starts (about 40% of the time, measured), espeak-ng
  // stops at its next buffer: either way well before the end.
  EXPECT_LT(canceled_s, 0.6 * full_s);

  // The engine is usable again afterwards.
  auto after = engine().Synthesize(kSentence, voice(), {});
  ASSERT_TRUE(after.has_value());
  ExpectSoundAudio(*after, voice());
}

TEST_P(EngineConformance, CanceledBeforeStartDeliversNothing) {
  int chunks = 0;
  const Status s =
      engine().SynthesizeStream(kSentence, voice(), {}, CountChunks(chunks), [] { return true; });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kCanceled);
  EXPECT_EQ(chunks, 0);
}

TEST_P(EngineConformance, ASinkErrorStopsSynthesis) {
  const Status s = engine().SynthesizeStream(kSentence, voice(), {}, [](AudioChunk&&) -> Status {
    return MakeError(ErrorCode::kUnavailable, "disk full");
  });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

void ExpectError(const Result<audio::PcmBuffer>& r, ErrorCode code, const std::string& field,
                 const std::string& what) {
  ASSERT_FALSE(r.has_value()) << what;
  EXPECT_EQ(r.error().code, code) << what << ": " << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << what;
  EXPECT_FALSE(r.error().message.empty()) << what;
}

TEST_P(EngineConformance, BadInputIsAClearErrorNotACrash) {
  auto empty = engine().Synthesize("", voice(), {});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(Stream(" \n ", voice()).empty());

  VoiceInfo stranger = voice();
  stranger.id = engine().name() + "-no-such-voice";
  ExpectError(engine().Synthesize("hello", stranger, {}), ErrorCode::kNotFound, "voice",
              "unknown voice");
  ExpectError(engine().Synthesize("caf\xc3 \xff\xfe broken", voice(), {}),
              ErrorCode::kInvalidArgument, "text", "invalid UTF-8");
  ExpectError(engine().Synthesize(std::string(1 << 20, 'a'), voice(), {}),
              ErrorCode::kResourceExhausted, "text", "huge text");
  SynthesisParams slow;
  slow.speed = 0;
  ExpectError(engine().Synthesize("hello", voice(), slow), ErrorCode::kUnprocessable, "speed",
              "speed 0");
  SynthesisParams klingon;
  klingon.language = "tlh";
  ExpectError(engine().Synthesize("hello", voice(), klingon), ErrorCode::kUnprocessable, "language",
              "unspoken language");
  // Odd but valid text still speaks.
  for (const std::string& odd : {std::string("a\0b c", 5), std::string("?!.,;:"),
                                 std::string("caf\xc3\xa9 \xe2\x82\xac 5 \xf0\x9f\x98\x80")}) {
    auto r = engine().Synthesize(odd, voice(), {});
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
  }
}

TEST_P(EngineConformance, TwoThreadsSynthesizeAtOnce) {
  const std::string texts[2] = {kSentence, "Pack my box with five dozen liquor jugs."};
  size_t alone[2];
  for (int i = 0; i < 2; ++i) {
    auto pcm = engine().Synthesize(texts[i], voice(), {});
    ASSERT_TRUE(pcm.has_value());
    alone[i] = pcm->samples.size();
  }
  std::vector<size_t> together[2];
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 3; ++round) {
        auto pcm = engine().Synthesize(texts[i], voice(), {});
        if (!pcm.has_value() || pcm->empty()) {
          ++failures;
          continue;
        }
        together[i].push_back(pcm->samples.size());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (int i = 0; i < 2; ++i) {
    for (size_t n : together[i]) EXPECT_NEAR(double(n), double(alone[i]), 0.1 * alone[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(AllEngines, EngineConformance, ::testing::ValuesIn(EngineNames()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace vox::engines
