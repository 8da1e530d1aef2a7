// One Piper-shaped model through Vox's ONNX runtime: cold load time, peak RSS, and the
// real-time factor of synthesizing a fixed phoneme sequence (noise off, so every repeat and
// the eager PyTorch side do identical work). Prints one JSON object. Driven by run.sh.
//
//   vox_neural_bench MODEL.onnx THREADS REPEATS PHONEMES
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "onnx/blas_info.h"
#include "onnx/host_allocator.h"
#include "onnx/model.h"

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// VmHWM / VmRSS from /proc/self/status, in MiB.
double StatusMiB(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  }
  return -1;
}

// The 8 largest entries, in milliseconds.
nlohmann::json Slowest(const std::map<std::string, double>& seconds) {
  std::vector<std::pair<double, std::string>> by_time;
  for (const auto& [name, s] : seconds) by_time.emplace_back(s, name);
  std::sort(by_time.rbegin(), by_time.rend());
  nlohmann::json top = nlohmann::json::object();
  for (size_t i = 0; i < by_time.size() && i < 8; ++i) {
    top[by_time[i].second] = by_time[i].first * 1000;
  }
  return top;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: vox_neural_bench MODEL.onnx THREADS REPEATS PHONEMES\n";
    return 2;
  }
  const std::string path = argv[1];
  const int threads = std::stoi(argv[2]), repeats = std::stoi(argv[3]);
  const int64_t phonemes = std::stoll(argv[4]);
  namespace onnx = vox::onnx;
  spdlog::set_default_logger(spdlog::stderr_logger_mt("bench"));  // stdout is the JSON
  onnx::SetIntraOpThreads(threads);
  onnx::KeepLargeAllocationsOnTheHeap();  // as the servers run it
  // The runtime plugin (LibTorch) loads first, measured apart from the model.
  const double rss_start = StatusMiB("VmRSS");
  const double runtime_t0 = Now();
  if (onnx::IntraOpThreads() == 0) {
    std::cerr << "the neural runtime does not load\n";
    return 1;
  }
  const double runtime_load_s = Now() - runtime_t0;
  const double rss_before = StatusMiB("VmRSS");

  const double t0 = Now();
  auto model = onnx::Model::Load(path, {});
  const double load_s = Now() - t0;
  if (!model) {
    std::cerr << model.error().ToString() << "\n";
    return 1;
  }
  const double rss_loaded = StatusMiB("VmRSS");
  const int sample_rate =
      nlohmann::json::parse(std::ifstream(path + ".json")).at("audio").at("sample_rate");

  // The same ids as eager_bench.py.
  std::vector<int64_t> ids(phonemes);
  for (int64_t i = 0; i < phonemes; ++i) ids[i] = (i * 37) % 159;
  const std::vector<int64_t> lengths{phonemes};
  const std::vector<float> scales{0.0f, 1.0f, 0.0f};
  onnx::NamedTensors inputs{{"input", onnx::Tensor::Int64({1, phonemes}, ids)},
                            {"input_lengths", onnx::Tensor::Int64({1}, lengths)},
                            {"scales", onnx::Tensor::Float32({3}, scales)}};
  std::vector<double> times;
  int64_t samples = 0;
  for (int r = 0; r < repeats + 1; ++r) {  // the first run warms up
    const double start = Now();
    auto out = (*model)->Run(inputs, {});
    const double took = Now() - start;
    if (!out) {
      std::cerr << out.error().ToString() << "\n";
      return 1;
    }
    samples = (*out)[0].numel();
    if (r > 0) times.push_back(took);
  }
  // One more run, profiled: the operator types that take the most time.
  std::map<std::string, double> op_seconds, node_seconds;
  if (!(*model)->Run(inputs, {.op_seconds = &op_seconds, .node_seconds = &node_seconds})) {
    return 1;
  }
  double node_total = 0;
  for (const auto& [op, s] : op_seconds) node_total += s;
  const nlohmann::json top = Slowest(op_seconds), top_nodes = Slowest(node_seconds);
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const double audio_s = static_cast<double>(samples) / sample_rate;
  const auto blas = onnx::LoadedBlas();
  nlohmann::json result{{"runtime", "vox"},
                        {"threads", onnx::IntraOpThreads()},
                        {"runtime_load_ms", runtime_load_s * 1000},
                        {"runtime_rss_mb", rss_before - rss_start},
                        {"cold_load_ms", load_s * 1000},
                        {"model_rss_mb", rss_loaded - rss_before},
                        {"peak_rss_mb", StatusMiB("VmHWM")},
                        {"audio_s", audio_s},
                        {"run_ms_median", median * 1000},
                        {"rtf", median / audio_s},
                        {"nodes", (*model)->stats().nodes},
                        {"run_nodes", (*model)->stats().run_nodes},
                        {"profiled_node_ms", node_total * 1000},
                        {"top_op_ms", top},
                        {"top_node_ms", top_nodes},
                        {"blas", blas.name},
                        {"blas_path", blas.path}};
  if (blas.slow()) {
    std::cerr << "warning: LibTorch calls the reference BLAS (" << blas.path
              << "): install libopenblas0-pthread\n";
  }
  std::cout << result.dump() << "\n";
  return 0;
}
