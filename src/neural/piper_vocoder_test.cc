// A Piper graph in two parts (piper_vocoder.h) on the generated random-weight
// voices of every shape (tools/piper_gen): the vocoder's input is found by
// structure, the first part gives the whole run's durations, and a long
// phrase decoded window by window is the whole run's audio to float rounding,
// for two speakers, with the voice's own noise scales (the same random draws).
#include "neural/piper_vocoder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "neural/piper_engine.h"
#include "neural/testing/test_voices.h"
#include "piper/voice_config.h"

namespace vox::neural {
namespace {


using testing::TestVoice;

TestVoice LoadVoice(const std::string& name) { return testing::LoadTestVoice(name, false); }
std::vector<int64_t> Ids(size_t n, int64_t seed) { return testing::TestIds(n, seed); }

TEST(PiperVocoder, WindowsOfTheLatentGiveTheWholeRunsAudio) {
  for (const char* name : {"vox-test-x_low", "vox-test-medium", "vox-test-high", "vox-test-multi"}) {
    SCOPED_TRACE(name);
    const TestVoice voice = LoadVoice(name);
    ASSERT_TRUE(voice.graph);
    const auto input = FindVocoderInput(*voice.graph);
    ASSERT_TRUE(input) << "no vocoder input found";
    for (int speaker = 0; speaker < voice.config.num_speakers; speaker += 3) {
      const PiperRow row{Ids(180, speaker + 1), speaker};
      auto whole = RunPiperGraph(*voice.graph, voice.config, row.ids, speaker, 1.0);
      ASSERT_TRUE(whole) << whole.error().ToString();
      auto latent = RunToLatent(*voice.graph, *input, voice.config, row, 1.0);
      ASSERT_TRUE(latent) << latent.error().ToString();
      EXPECT_EQ(latent->frames, whole->frames);
      const int64_t frames = latent->total_frames();
      const auto plan = WindowPlan(frames);
      ASSERT_GT(plan.size(), 2u) << frames << " frames";
      std::vector<float> windowed;
      for (const auto& [from, to] : plan) {
        auto audio = DecodeLatent(*voice.graph, *input, voice.config, row, 1.0, *latent, from, to);
        ASSERT_TRUE(audio) << audio.error().ToString();
        windowed.insert(windowed.end(), audio->begin(), audio->end());
      }
      ASSERT_EQ(windowed.size(), whole->audio.size());
      float worst = 0, peak = 0;
      for (size_t i = 0; i < windowed.size(); ++i) {
        worst = std::max(worst, std::fabs(windowed[i] - whole->audio[i]));
        peak = std::max(peak, std::fabs(whole->audio[i]));
      }
      EXPECT_LT(worst, 1e-5 * std::max(1.0f, peak)) << "speaker " << speaker;
    }
  }
}

TEST(PiperVocoder, AWindowIsTheWholeRunsAudioOfItsFramesOnly) {
  const TestVoice voice = LoadVoice("vox-test-medium");
  ASSERT_TRUE(voice.graph);
  const auto input = FindVocoderInput(*voice.graph);
  ASSERT_TRUE(input);
  const PiperRow row{Ids(60, 5), 0};
  auto whole = RunPiperGraph(*voice.graph, voice.config, row.ids, 0, 1.0);
  auto latent = RunToLatent(*voice.graph, *input, voice.config, row, 1.0);
  ASSERT_TRUE(whole && latent);
  const int64_t frames = latent->total_frames();
  ASSERT_GT(frames, 2 * kContextFrames + 4);
  const size_t hop = whole->audio.size() / static_cast<size_t>(frames);
  // One frame in the middle, the first and the last: exactly their samples.
  for (int64_t at : {int64_t{0}, frames / 2, frames - 1}) {
    auto audio = DecodeLatent(*voice.graph, *input, voice.config, row, 1.0, *latent, at, at + 1);
    ASSERT_TRUE(audio) << audio.error().ToString();
    ASSERT_EQ(audio->size(), hop);
    for (size_t i = 0; i < hop; ++i) {
      ASSERT_NEAR((*audio)[i], whole->audio[at * hop + i], 1e-5) << "frame " << at;
    }
  }
  for (auto [from, to] : {std::pair<int64_t, int64_t>{-1, 2}, {3, 3}, {0, frames + 1}}) {
    auto bad = DecodeLatent(*voice.graph, *input, voice.config, row, 1.0, *latent, from, to);
    ASSERT_FALSE(bad) << from << ".." << to;
    EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
  }
}

TEST(PiperVocoder, WindowPlanCoversThePhraseSmallFirstThenDoubling) {
  EXPECT_EQ(WindowPlan(1), (std::vector<std::pair<int64_t, int64_t>>{{0, 1}}));
  EXPECT_EQ(WindowPlan(kMinWindowedFrames - 1).size(), 1u);
  for (int64_t frames : {kMinWindowedFrames, int64_t{500}, int64_t{5000}}) {
    const auto plan = WindowPlan(frames);
    ASSERT_GT(plan.size(), 1u);
    EXPECT_EQ(plan.front(), std::make_pair(int64_t{0}, kFirstWindowFrames));
    EXPECT_EQ(plan.back().second, frames);
    for (size_t i = 1; i < plan.size(); ++i) {
      EXPECT_EQ(plan[i].first, plan[i - 1].second);
      EXPECT_LE(plan[i].second - plan[i].first, kMaxWindowFrames + kContextFrames);
      // No last sliver shorter than the context it would be decoded with.
      EXPECT_GE(plan[i].second - plan[i].first, kContextFrames);
    }
  }
}

}  // namespace
}  // namespace vox::neural
