// Dynamic batching on the generated random-weight Piper voices (tools/piper_gen),
// noise scales 0: a padded batch gives each row its own length, durations and
// audio (equal to the row alone but for the decoder's unmasked last frames,
// see piper_batch.h), for two speakers; the batcher gathers concurrent rows,
// runs a lone row after the wait, and hands a failed run's error to every row.
#include "neural/piper_batch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "audio/pcm_buffer.h"
#include "neural/piper_engine.h"
#include "neural/testing/test_voices.h"
#include "piper/voice_config.h"

namespace vox::neural {
namespace {


using testing::TestVoice;

TestVoice LoadVoice(const std::string& name) { return testing::LoadTestVoice(name, true); }
std::vector<int64_t> Ids(size_t n, int64_t seed) { return testing::TestIds(n, seed); }

// Piper's decoder has no mask: a padded row's last frames hear the padding.
// Past its receptive field (7 frames for Piper's decoders: the difference falls from
// the peak in the last frame to 1e-5 in the 7th, 1e-8 beyond, in PyTorch) they match.
constexpr size_t kUnmaskedTailFrames = 8;

// `batched` is `row` cut from a batch whose longest row has `longest` frames.
void ExpectSameAsAlone(const TestVoice& voice, const PiperRow& row, const PiperRun& batched,
                       bool is_longest) {
  auto alone = RunPiperGraph(*voice.graph, voice.config, row.ids, row.speaker_id, 1.0);
  ASSERT_TRUE(alone) << alone.error().ToString();
  ASSERT_EQ(batched.audio.size(), alone->audio.size()) << row.ids.size() << " ids";
  ASSERT_EQ(batched.frames, alone->frames);
  double frames = 0;
  for (float f : alone->frames) frames += f;
  const size_t hop = alone->audio.size() / static_cast<size_t>(std::max(1.0, frames));
  const size_t tail = is_longest ? 0 : std::min(alone->audio.size(), kUnmaskedTailFrames * hop);
  float worst = 0;
  for (size_t i = 0; i + tail < alone->audio.size(); ++i) {
    worst = std::max(worst, std::fabs(batched.audio[i] - alone->audio[i]));
  }
  EXPECT_LT(worst, 1e-5) << row.ids.size() << " ids, speaker " << row.speaker_id;
}

TEST(PiperBatch, EachRowGetsItsOwnAudioAsAlone) {
  for (const char* name : {"vox-test-medium", "vox-test-high", "vox-test-multi"}) {
    SCOPED_TRACE(name);
    const TestVoice voice = LoadVoice(name);
    ASSERT_TRUE(voice.graph);
    const int last = voice.config.num_speakers - 1;  // two speakers on the multi voice
    const std::vector<PiperRow> rows = {
        {Ids(17, 1), last}, {Ids(50, 2), 0}, {Ids(3, 3), last}, {Ids(1, 4), 0}};
    auto runs = RunPiperBatch(*voice.graph, voice.config, rows, 1.0);
    ASSERT_TRUE(runs) << runs.error().ToString();
    ASSERT_EQ(runs->size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      ExpectSameAsAlone(voice, rows[i], (*runs)[i], /*is_longest=*/i == 1);
    }
  }
}

TEST(PiperBatch, SpeedReachesEveryRow) {
  const TestVoice voice = LoadVoice("vox-test-multi");
  const std::vector<PiperRow> rows = {{Ids(30, 5), 0}, {Ids(12, 6), 1}};
  auto normal = RunPiperBatch(*voice.graph, voice.config, rows, 1.0);
  auto slow = RunPiperBatch(*voice.graph, voice.config, rows, 0.5);
  ASSERT_TRUE(normal && slow);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_GT((*slow)[i].audio.size(), (*normal)[i].audio.size() * 3 / 2) << i;
  }
}

// The real batch runner, recording each batch's size.
struct Recorder {
  TestVoice voice;
  std::mutex mu;
  std::vector<size_t> sizes;

  PiperBatcher::Runner Runner() {
    return [this](std::span<const PiperRow> rows) {
      {
        std::lock_guard lock(mu);
        sizes.push_back(rows.size());
      }
      return RunPiperBatch(*voice.graph, voice.config, rows, 1.0);
    };
  }
  PiperBatchKey Key() const { return {voice.graph.get(), 0, 1, 0}; }
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST(PiperBatcher, ConcurrentRowsShareRunsOfAtMostMaxRows) {
  Recorder recorder{LoadVoice("vox-test-multi")};
  // A long wait: the batches close because they fill up, not on time.
  PiperBatcher batcher({.max_rows = 4, .wait_ms = 20'000});
  std::vector<PiperRow> rows;
  for (int i = 0; i < 8; ++i) rows.push_back({Ids(5 + 9 * i, i), i % 2});
  std::vector<Result<PiperRun>> results(rows.size());
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < rows.size(); ++i) {
    threads.emplace_back(
        [&, i] { results[i] = batcher.Run(recorder.Key(), rows[i], recorder.Runner()); });
  }
  for (auto& t : threads) t.join();
  EXPECT_LT(Seconds(start), 15.0);
  EXPECT_EQ(recorder.sizes, (std::vector<size_t>{4, 4}));
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().ToString();
    // Which rows shared a batch is up to the scheduler: compare all but the tail.
    ExpectSameAsAlone(recorder.voice, rows[i], *results[i], /*is_longest=*/false);
  }
}

TEST(PiperBatcher, ALoneRowRunsAfterTheWait) {
  Recorder recorder{LoadVoice("vox-test-medium")};
  PiperBatcher batcher({.max_rows = 8, .wait_ms = 150});
  const PiperRow row{Ids(20, 9), 0};
  const auto start = std::chrono::steady_clock::now();
  auto result = batcher.Run(recorder.Key(), row, recorder.Runner());
  EXPECT_GE(Seconds(start), 0.15);
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_EQ(recorder.sizes, (std::vector<size_t>{1}));
  ExpectSameAsAlone(recorder.voice, row, *result, /*is_longest=*/true);
}

TEST(PiperBatcher, WithOneRowABatchRunsAtOnceOnTheCaller) {
  Recorder recorder{LoadVoice("vox-test-medium")};
  PiperBatcher batcher({.max_rows = 1, .wait_ms = 1000});
  const auto start = std::chrono::steady_clock::now();
  auto result = batcher.Run(recorder.Key(), {Ids(20, 9), 0}, recorder.Runner());
  EXPECT_LT(Seconds(start), 0.9);
  ASSERT_TRUE(result);
  EXPECT_EQ(recorder.sizes, (std::vector<size_t>{1}));
}

TEST(PiperBatcher, AFailedRunReachesEveryRowOfItsBatch) {
  PiperBatcher batcher({.max_rows = 3, .wait_ms = 20'000});
  std::atomic<int> runs = 0;
  const PiperBatcher::Runner failing =
      [&](std::span<const PiperRow>) -> Result<std::vector<PiperRun>> {
    ++runs;
    return Internal("the voice's audio holds a NaN at 17");
  };
  std::vector<Result<PiperRun>> results(3);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = batcher.Run({}, {Ids(4, i), 0}, failing); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  for (const auto& result : results) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kInternal);
    EXPECT_NE(result.error().message.find("NaN"), std::string::npos);
  }
  // A runner that throws, or gives too few rows, fails the rows; nobody waits forever.
  const PiperBatcher::Runner throwing =
      [](std::span<const PiperRow>) -> Result<std::vector<PiperRun>> { throw std::bad_alloc(); };
  const PiperBatcher::Runner short_one =
      [](std::span<const PiperRow>) -> Result<std::vector<PiperRun>> {
    return std::vector<PiperRun>(1);
  };
  for (const auto* runner : {&throwing, &short_one}) {
    threads.clear();
    for (size_t i = 0; i < results.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = batcher.Run({}, {Ids(4, i), 0}, *runner); });
    }
    for (auto& t : threads) t.join();
    for (const auto& result : results) {
      ASSERT_FALSE(result);
      EXPECT_EQ(result.error().code, ErrorCode::kInternal) << result.error().message;
    }
  }
  // The batcher is usable afterwards.
  const PiperBatcher::Runner ok =
      [](std::span<const PiperRow> rows) -> Result<std::vector<PiperRun>> {
    return std::vector<PiperRun>(rows.size(), PiperRun{{0.5f}, {}});
  };
  PiperBatcher quick({.max_rows = 3, .wait_ms = 0});
  auto result = quick.Run({}, {Ids(4, 1), 0}, ok);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->audio, std::vector<float>{0.5f});
}

TEST(PiperBatcher, AnEngineWithBatchingServesConcurrentRequests) {
  PiperEngineConfig config;
  config.model_dir = VOX_PIPER_TESTDATA;
  config.batch = {.max_rows = 4, .wait_ms = 50};
  auto engine = PiperEngine::Create(config);
  ASSERT_TRUE(engine) << engine.error().ToString();
  const std::vector<std::string> voices = {"piper-vox-test-multi:alba", "piper-vox-test-multi:dana",
                                           "piper-vox-test-multi:alba", "piper-vox-test-medium"};
  const std::vector<std::string> texts = {"Hello there.", "A somewhat longer sentence to pad.",
                                          "Yes.", "The quick brown fox."};
  std::vector<Result<audio::PcmBuffer>> results(texts.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < texts.size(); ++i) {
    threads.emplace_back([&, i] {
      for (const auto& voice : (*engine)->voices()) {
        if (voice.id == voices[i]) results[i] = (*engine)->Synthesize(texts[i], voice, {});
      }
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().ToString();
    EXPECT_GT(results[i]->duration_s(), 0.25) << texts[i];  // speech + 0.2 s of silence
    for (float s : results[i]->samples) ASSERT_TRUE(std::isfinite(s));
  }
}

TEST(PiperBatchConfig, BadValuesNameTheirSetting) {
  EXPECT_TRUE((PiperBatchConfig{.max_rows = 1, .wait_ms = 0}.Validate()));
  EXPECT_TRUE((PiperBatchConfig{.max_rows = 64, .wait_ms = 1000}.Validate()));
  auto zero = PiperBatchConfig{.max_rows = 0}.Validate();
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().field, "VOX_BATCH_MAX");
  auto huge = PiperBatchConfig{.max_rows = 65}.Validate();
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().field, "VOX_BATCH_MAX");
  auto negative = PiperBatchConfig{.wait_ms = -1}.Validate();
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().field, "VOX_BATCH_WAIT_MS");
  // The engine refuses it at start-up.
  PiperEngineConfig engine;
  engine.model_dir = VOX_PIPER_TESTDATA;
  engine.batch.wait_ms = 5000;
  auto created = PiperEngine::Create(engine);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().field, "VOX_BATCH_WAIT_MS");
}

}  // namespace
}  // namespace vox::neural
