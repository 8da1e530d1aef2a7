// PiperEngine on the generated random-weight Piper voices (tools/piper_gen):
// voices and speakers listed from the model directory, audio that is the
// graph's own output for Piper's ids, speakers and speed that change it, and
// the refusals. The graph itself is checked against PyTorch in src/onnx.
#include "neural/piper_engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "neural/piper_sentence.h"
#include "neural/piper_vocoder.h"
#include "piper/phonemizer.h"

namespace vox::neural {
namespace {

namespace fs = std::filesystem;

PiperEngine& Engine() {
  static PiperEngine* engine = [] {
    PiperEngineConfig config;
    config.model_dir = VOX_PIPER_TESTDATA;
    auto created = PiperEngine::Create(config);
    EXPECT_TRUE(created) << created.error().ToString();
    return created->release();
  }();
  return *engine;
}

const engines::VoiceInfo& Voice(const std::string& id) {
  for (const auto& v : Engine().voices()) {
    if (v.id == id) return v;
  }
  ADD_FAILURE() << "no voice " << id;
  return Engine().voices().front();
}

audio::PcmBuffer Speak(const std::string& voice_id, const std::string& text,
                       engines::SynthesisParams params = {}) {
  auto pcm = Engine().Synthesize(text, Voice(voice_id), params);
  EXPECT_TRUE(pcm) << pcm.error().ToString();
  return pcm ? *pcm : audio::PcmBuffer{};
}

TEST(PiperEngine, ListsEveryPackageAndSpeaker) {
  std::vector<std::string> ids;
  for (const auto& v : Engine().voices()) {
    ids.push_back(v.id);
    EXPECT_EQ(v.engine, "piper");
    EXPECT_EQ(v.language, "en-US");
    EXPECT_EQ(v.sample_rate, v.id.find("x_low") != std::string::npos ? 16000 : 22050) << v.id;
  }
  for (const char* id :
       {"piper-vox-test-x_low", "piper-vox-test-medium", "piper-vox-test-high",
        "piper-vox-test-multi", "piper-vox-test-multi:alba", "piper-vox-test-multi:dana"}) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  }
}

// `pcm` is one sentence's audio: the graph's output for `ids`, peak-normalized as Piper
// does, then the sentence silence.
void ExpectGraphOutputFor(const audio::PcmBuffer& pcm, const engines::VoiceInfo& voice,
                          const std::vector<int64_t>& ids) {
  auto resolved = Engine().directory().Resolve(voice.id);
  ASSERT_TRUE(resolved);
  const auto& config = resolved->package->config;
  auto graph = Engine().Graph(*resolved->package);
  ASSERT_TRUE(graph);
  auto run = RunPiperGraph(**graph, config, ids, 0, 1.0);
  ASSERT_TRUE(run) << run.error().ToString();
  EXPECT_EQ(run->frames.size(), ids.size()) << "the graph's durations";
  const std::vector<float>* direct = &run->audio;
  const size_t silence = std::lround(piper::kSentenceSilenceSeconds * voice.sample_rate);
  ASSERT_EQ(pcm.samples.size(), direct->size() + silence);
  float peak = 0;
  for (float s : *direct) peak = std::max(peak, std::fabs(s));
  float gain = PeakGain(peak);
  double frames = 0;
  for (float f : run->frames) frames += f;
  const bool windowed = WindowPlan(std::lround(frames)).size() > 1;
  if (windowed) {  // scaled by the voice's level, not its own peak: read the gain back
    for (size_t i = 0; i < direct->size(); ++i) {
      if (std::fabs((*direct)[i]) > 0.5f * peak && std::fabs(pcm.samples[i]) < 0.7f) {
        gain = pcm.samples[i] / (*direct)[i];
        break;
      }
    }
  }
  std::vector<float> expected = *direct;
  if (windowed) {
    ApplyGainLimited(expected, gain);  // below the limiter's knee, a plain gain
  } else {
    for (float& s : expected) s *= gain;
  }
  double max_diff = 0;
  for (size_t i = 0; i < direct->size(); ++i) {
    max_diff = std::max(max_diff, double(std::fabs(pcm.samples[i] - expected[i])));
  }
  EXPECT_LT(max_diff, windowed ? 1e-4 : 1e-5);
  for (size_t i = direct->size(); i < pcm.samples.size(); ++i) ASSERT_EQ(pcm.samples[i], 0.f);
}

TEST(PiperEngine, AudioIsTheGraphsOutputForPipersIdsPlusSentenceSilence) {
  const std::string text = "The quick brown fox jumps over the lazy dog.";
  const auto& voice = Voice("piper-vox-test-medium");
  audio::PcmBuffer pcm = Speak(voice.id, text);
  ASSERT_FALSE(pcm.empty());
  EXPECT_EQ(pcm.sample_rate, 22050);

  // The same ids through the graph directly.
  auto resolved = Engine().directory().Resolve(voice.id);
  ASSERT_TRUE(resolved);
  auto phonemes = piper::Phonemize(resolved->package->config, text, {.prepare = false});
  ASSERT_TRUE(phonemes) << phonemes.error().ToString();
  ASSERT_EQ(phonemes->sentences.size(), 1u);
  ExpectGraphOutputFor(pcm, voice, phonemes->sentences[0].ids);
  // Deterministic: the cache serves identical requests with identical audio.
  EXPECT_EQ(Speak(voice.id, text).samples, pcm.samples);
}

// SSML <phoneme>: the IPA given, not espeak's reading of the text, is what the graph reads:
// ^ _ then each code point's ids and _, then $ (the generated voices have no phoneme_map).
TEST(PiperEngine, GivenPhonemesAreTheIdsTheGraphReads) {
  const auto& voice = Voice("piper-vox-test-medium");
  EXPECT_TRUE(Engine().capabilities().phoneme_input);
  auto resolved = Engine().directory().Resolve(voice.id);
  ASSERT_TRUE(resolved);
  const auto& map = resolved->package->config.phoneme_id_map;
  ASSERT_TRUE(resolved->package->config.phoneme_map.empty());
  const std::u32string ipa = U"həˈloʊ";  // həˈloʊ
  std::vector<int64_t> ids = map.at(U'^');
  ids.insert(ids.end(), map.at(U'_').begin(), map.at(U'_').end());
  for (char32_t p : ipa) {
    ASSERT_TRUE(map.contains(p)) << static_cast<uint32_t>(p);
    ids.insert(ids.end(), map.at(p).begin(), map.at(p).end());
    ids.insert(ids.end(), map.at(U'_').begin(), map.at(U'_').end());
  }
  ids.insert(ids.end(), map.at(U'$').begin(), map.at(U'$').end());
  engines::SynthesisParams params;
  params.phonemes = "həˈloʊ";
  audio::PcmBuffer pcm = Speak(voice.id, "tomato", params);
  ExpectGraphOutputFor(pcm, voice, ids);
  EXPECT_NE(pcm.samples, Speak(voice.id, "tomato").samples);
  // A symbol the voice has no id for is skipped (and warned about), as in espeak's output.
  params.phonemes += "☃";  // a snowman
  EXPECT_EQ(Speak(voice.id, "tomato", params).samples, pcm.samples);
}

// A long sentence leaves word by word: several chunks, each ending between words, that
// together are the whole synthesis's audio and timings.
TEST(PiperEngine, ALongSentenceStreamsWordByWord) {
  const auto& voice = Voice("piper-vox-test-medium");
  EXPECT_EQ(Engine().capabilities().streaming, engines::StreamingGranularity::kSubSentence);
  const std::string text =
      "Seven tall ships sailed slowly past the harbour lights while the children counted "
      "every single mast and waved their bright red flags at the sailors on the decks.";
  std::vector<engines::AudioChunk> chunks;
  auto streamed = Engine().SynthesizeStream(text, voice, {}, [&](engines::AudioChunk&& c) {
    chunks.push_back(std::move(c));
    return Status{};
  });
  ASSERT_TRUE(streamed) << streamed.error().ToString();
  ASSERT_GT(chunks.size(), 2u);
  const audio::PcmBuffer whole = Speak(voice.id, text);
  std::vector<float> joined;
  size_t words = 0;
  for (const engines::AudioChunk& c : chunks) {
    EXPECT_NEAR(c.offset_s, static_cast<double>(joined.size()) / voice.sample_rate, 1e-9);
    joined.insert(joined.end(), c.pcm.samples.begin(), c.pcm.samples.end());
    for (const engines::TimingItem& t : c.timings) {
      EXPECT_LE(t.end_s, c.pcm.duration_s() + 1e-9) << t.label;
      ++words;
    }
  }
  EXPECT_EQ(joined, whole.samples);
  EXPECT_EQ(words, 28u);
}

TEST(PiperEngine, SpeakersAndSpeedChangeTheAudio) {
  const std::string text = "Hello there, how are you today?";
  audio::PcmBuffer alba = Speak("piper-vox-test-multi:alba", text);
  audio::PcmBuffer dana = Speak("piper-vox-test-multi:dana", text);
  ASSERT_FALSE(alba.empty());
  ASSERT_FALSE(dana.empty());
  EXPECT_NE(alba.samples, dana.samples);
  EXPECT_EQ(Speak("piper-vox-test-multi", text).samples, alba.samples) << "speaker 0 by default";
  engines::SynthesisParams fast;
  fast.speed = 2.0;
  audio::PcmBuffer quick = Speak("piper-vox-test-multi:alba", text, fast);
  const double silence = piper::kSentenceSilenceSeconds;
  EXPECT_LT(quick.duration_s() - silence, 0.7 * (alba.duration_s() - silence));
}

TEST(PiperEngine, RefusesWhatItCannotDo) {
  const auto& voice = Voice("piper-vox-test-x_low");
  engines::SynthesisParams pitched;
  pitched.pitch = 1.5;
  auto r = Engine().Synthesize("Hello.", voice, pitched);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(r.error().field, "pitch");
  engines::VoiceInfo traversal = voice;
  traversal.id = "piper-../../etc/passwd";
  EXPECT_FALSE(Engine().Synthesize("Hello.", traversal, {}));
}

// VOX_DEVICE: cpu runs (explicitly named, the same audio as the default); a malformed name
// is refused; CUDA runs only where LibTorch has it and a GPU is visible, else a clear error
// at start naming the setting (this build's case unless a GPU is there).
TEST(PiperEngine, TheDeviceIsCpuOrAVisibleCuda) {
  PiperEngineConfig config;
  config.model_dir = VOX_PIPER_TESTDATA;
  config.device = "cpu";
  auto cpu = PiperEngine::Create(config);
  ASSERT_TRUE(cpu) << cpu.error().ToString();
  const auto& voice = Voice("piper-vox-test-x_low");
  auto on_cpu = (*cpu)->Synthesize("Hello there.", voice, {});
  ASSERT_TRUE(on_cpu) << on_cpu.error().ToString();
  EXPECT_EQ(on_cpu->samples, Speak(voice.id, "Hello there.").samples);

  for (const char* bad : {"gpu", "cuda:x", "", "cpu:0:1"}) {
    config.device = bad;
    auto refused = PiperEngine::Create(config);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(refused.error().field, "VOX_DEVICE") << bad;
  }
  for (const char* cuda : {"cuda", "cuda:0"}) {
    config.device = cuda;
    auto engine = PiperEngine::Create(config);
    if (onnx::CheckDevice("cuda")) {  // a CUDA build with a GPU: it must run there
      ASSERT_TRUE(engine) << engine.error().ToString();
      EXPECT_TRUE((*engine)->Synthesize("Hello there.", voice, {}));
      continue;
    }
    ASSERT_FALSE(engine) << cuda;
    EXPECT_EQ(engine.error().code, ErrorCode::kUnprocessable) << cuda;
    EXPECT_EQ(engine.error().field, "VOX_DEVICE") << cuda;
    EXPECT_NE(engine.error().message.find("CUDA"), std::string::npos);
  }
}

TEST(PiperEngine, ABrokenGraphIsAClearErrorAndTheOtherVoicesServe) {
  const fs::path dir =
      fs::temp_directory_path() / ("vox-piper-broken-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path source = fs::path(VOX_PIPER_TESTDATA);
  fs::copy_file(source / "vox-test-x_low.onnx", dir / "good.onnx");
  fs::copy_file(source / "vox-test-x_low.onnx.json", dir / "good.onnx.json");
  {
    std::ifstream in(source / "vox-test-x_low.onnx", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "truncated.onnx", std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  }
  fs::copy_file(source / "vox-test-x_low.onnx.json", dir / "truncated.onnx.json");
  PiperEngineConfig config;
  config.model_dir = dir;
  auto engine = PiperEngine::Create(config);
  ASSERT_TRUE(engine) << engine.error().ToString();
  ASSERT_EQ((*engine)->voices().size(), 2u);
  const auto& voices = (*engine)->voices();
  auto find = [&](const std::string& id) -> const engines::VoiceInfo& {
    return *std::find_if(voices.begin(), voices.end(), [&](auto& v) { return v.id == id; });
  };
  auto broken = (*engine)->Synthesize("Hello.", find("piper-truncated"), {});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().field, "voice");
  EXPECT_NE(broken.error().message.find("truncated"), std::string::npos) << broken.error().message;
  auto good = (*engine)->Synthesize("Hello.", find("piper-good"), {});
  ASSERT_TRUE(good) << good.error().ToString();
  EXPECT_FALSE(good->empty());
  fs::remove_all(dir);
}

TEST(PiperEngine, AReloadKeepsTheGraphsOfUnchangedVoicesOnly) {
  const fs::path dir =
      fs::temp_directory_path() / ("vox-piper-reload-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path source = fs::path(VOX_PIPER_TESTDATA);
  for (const char* name : {"kept", "replaced"}) {
    fs::copy_file(source / "vox-test-x_low.onnx", dir / (std::string(name) + ".onnx"));
    fs::copy_file(source / "vox-test-x_low.onnx.json", dir / (std::string(name) + ".onnx.json"));
  }
  PiperEngineConfig config;
  config.model_dir = dir;
  auto first = PiperEngine::Create(config);
  ASSERT_TRUE(first) << first.error().ToString();
  auto package = [](PiperEngine& engine, const std::string& name) {
    for (const auto& p : engine.directory().packages()) {
      if (p->name == name) return p;
    }
    ADD_FAILURE() << "no package " << name;
    return engine.directory().packages().front();
  };
  auto kept = (*first)->Graph(*package(**first, "kept"));
  auto replaced = (*first)->Graph(*package(**first, "replaced"));
  ASSERT_TRUE(kept && replaced);
  // Another file under the same name: another size and modification time.
  fs::copy_file(source / "vox-test-medium.onnx", dir / "replaced.onnx",
                fs::copy_options::overwrite_existing);

  auto second = PiperEngine::Create(config);
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ((*second)->AdoptGraphs(**first), 1u);
  auto kept_again = (*second)->Graph(*package(**second, "kept"));
  auto replaced_again = (*second)->Graph(*package(**second, "replaced"));
  ASSERT_TRUE(kept_again && replaced_again);
  EXPECT_EQ(kept_again->get(), kept->get());  // the same object: not loaded again
  EXPECT_NE(replaced_again->get(), replaced->get());
  EXPECT_GT((*replaced_again)->stats().nodes, 0);
  // An untouched graph file with a changed config is a new version too.
  std::ofstream(dir / "kept.onnx.json", std::ios::app) << "\n";
  auto third = PiperEngine::Create(config);
  ASSERT_TRUE(third);
  EXPECT_EQ((*third)->AdoptGraphs(**second), 1u);  // "replaced", unchanged since
  EXPECT_NE((*third)->Graph(*package(**third, "kept"))->get(), kept->get());
  fs::remove_all(dir);
}

TEST(PiperEngine, ManyThreadsShareOneGraph) {
  const std::string text = "Pack my box with five dozen liquor jugs.";
  const auto expected = Speak("piper-vox-test-high", text).samples;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2; ++i) {
        auto pcm = Engine().Synthesize(text, Voice("piper-vox-test-high"), {});
        if (!pcm || pcm->samples != expected) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace vox::neural
