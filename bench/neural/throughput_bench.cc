// Throughput of one Piper-shaped model under concurrent jobs, with and without dynamic
// batching (src/neural/piper_batch.h): JOBS threads each synthesize PHRASES phrases of
// mixed lengths (20 to 120 ids, as sentences are) through one PiperBatcher. Prints one
// JSON object: audio seconds made per wall second, and each phrase's latency. Driven by
// run.sh.
//
//   vox_neural_throughput MODEL.onnx THREADS JOBS PHRASES BATCH_MAX WAIT_MS
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "neural/piper_batch.h"
#include "onnx/host_allocator.h"
#include "onnx/model.h"
#include "piper/model_directory.h"

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: vox_neural_throughput MODEL.onnx THREADS JOBS PHRASES BATCH_MAX WAIT_MS\n";
    return 2;
  }
  namespace neural = vox::neural;
  const std::string path = argv[1];
  const int threads = std::stoi(argv[2]), jobs = std::stoi(argv[3]), phrases = std::stoi(argv[4]);
  const neural::PiperBatchConfig batch{.max_rows = std::stoi(argv[5]),
                                       .wait_ms = std::stoi(argv[6])};
  if (auto valid = batch.Validate(); !valid || jobs < 1 || phrases < 1) {
    std::cerr << (valid ? "JOBS and PHRASES must be positive" : valid.error().ToString()) << "\n";
    return 2;
  }
  spdlog::set_default_logger(spdlog::stderr_logger_mt("bench"));  // stdout is the JSON
  vox::onnx::SetIntraOpThreads(threads);
  vox::onnx::KeepLargeAllocationsOnTheHeap();  // as the servers run it
  auto model = vox::onnx::Model::Load(path, {});
  auto config = vox::piper::LoadVoiceConfig(path + ".json");
  if (!model || !config) {
    std::cerr << (model ? config.error() : model.error()).ToString() << "\n";
    return 1;
  }
  const vox::piper::PiperScales s = vox::piper::ScalesFor(*config, 1.0);
  const neural::PiperBatchKey key{model->get(), s.noise_scale, s.length_scale, s.noise_w};
  neural::PiperBatcher batcher(batch);
  const neural::PiperBatcher::Runner runner = [&](std::span<const neural::PiperRow> rows) {
    return neural::RunPiperBatch(**model, *config, rows, 1.0);
  };
  // Warm-up: the first run of a graph pays for allocations the others reuse.
  if (!runner(std::vector<neural::PiperRow>{{{1, 2, 3}, 0}})) return 1;

  std::mutex mu;
  std::vector<double> latencies;
  size_t samples = 0;
  bool failed = false;
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int job = 0; job < jobs; ++job) {
    workers.emplace_back([&, job] {
      for (int p = 0; p < phrases; ++p) {
        const int n = 20 + (job * 7 + p * 31) % 101;  // 20..120 ids
        std::vector<int64_t> ids(n);
        for (int i = 0; i < n; ++i) ids[i] = (i * 37 + job) % 159;
        const auto began = Clock::now();
        auto run =
            batcher.Run(key, {std::move(ids), job % std::max(1, config->num_speakers)}, runner);
        std::lock_guard lock(mu);
        latencies.push_back(Since(began));
        if (run) samples += run->audio.size();
        failed = failed || !run;
      }
    });
  }
  for (auto& w : workers) w.join();
  const double wall = Since(start);
  if (failed) return 1;
  std::sort(latencies.begin(), latencies.end());
  const double audio_s = static_cast<double>(samples) / config->sample_rate;
  nlohmann::json result{{"jobs", jobs},
                        {"threads", vox::onnx::IntraOpThreads()},
                        {"batch_max", batch.max_rows},
                        {"batch_wait_ms", batch.wait_ms},
                        {"phrases", jobs * phrases},
                        {"wall_s", wall},
                        {"audio_s", audio_s},
                        {"audio_s_per_s", audio_s / wall},
                        {"latency_ms_p50", latencies[latencies.size() / 2] * 1000},
                        {"latency_ms_p90", latencies[latencies.size() * 9 / 10] * 1000}};
  std::cout << result.dump() << "\n";
  return 0;
}
