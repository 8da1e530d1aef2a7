// FliteEngine runs requests in parallel with no lock (see flite_engine.h). This
// checks that four threads synthesizing at once, on the same and different
// voices with different speed and pitch, each get exactly the samples a lone
// thread gets: any per-request setting leaking through the shared voices, or
// shared noise state, shows up as a mismatch. Run it under -fsanitize=thread
// too (build with -DVOX_SANITIZE=thread).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "engines/flite_engine.h"

namespace vox::engines {
namespace {

struct Job {
  std::string voice;
  std::string text;
  double speed;
  double pitch;
};

TEST(FliteConcurrency, FourThreadsMatchSingleThreadedOutput) {
  auto engine = FliteEngine::Create();
  ASSERT_TRUE(engine.has_value()) << engine.error().ToString();
  const std::vector<Job> jobs = {
      {"flite-slt", "The quick brown fox jumps over the lazy dog.", 1.0, 1.0},
      {"flite-slt", "Please call Stella.", 1.5, 1.3},
      {"flite-rms", "It was the best of times.", 0.8, 1.4},
      {"flite-rms", "Please call Stella.", 1.0, 1.0},
      {"flite-awb", "Ask her to bring these things.", 1.2, 0.8},
      {"flite-kal", "Six spoons of fresh snow peas.", 1.0, 1.5},
      {"flite-kal16", "Five thick slabs of blue cheese.", 2.0, 0.7},
  };
  auto run = [&](const Job& job) {
    const VoiceInfo* voice = nullptr;
    for (const VoiceInfo& v : (*engine)->voices()) {
      if (v.id == job.voice) voice = &v;
    }
    SynthesisParams params;
    params.speed = job.speed;
    params.pitch = job.pitch;
    auto pcm = (*engine)->Synthesize(job.text, *voice, params);
    return pcm ? pcm->samples : std::vector<float>{};
  };

  std::vector<std::vector<float>> expected;
  for (const Job& job : jobs) {
    expected.push_back(run(job));
    ASSERT_FALSE(expected.back().empty()) << job.voice;
  }

  constexpr int kThreads = 4;
  constexpr int kRounds = 2;
  std::vector<std::vector<std::vector<float>>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread walks the jobs from a different offset, so at any moment
      // threads share some voices and not others.
      for (size_t i = 0; i < kRounds * jobs.size(); ++i) {
        got[t].push_back(run(jobs[(t * 2 + i) % jobs.size()]));
      }
    });
  }
  for (std::thread& th : threads) th.join();

  for (int t = 0; t < kThreads; ++t) {
    for (size_t i = 0; i < got[t].size(); ++i) {
      const size_t j = (t * 2 + i) % jobs.size();
      EXPECT_TRUE(got[t][i] == expected[j])
          << "thread " << t << " call " << i << ": " << jobs[j].voice << " '" << jobs[j].text
          << "' differs from the single-threaded result";
    }
  }
}

}  // namespace
}  // namespace vox::engines
