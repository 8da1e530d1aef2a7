#include "neural/piper_batch.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "piper/model_directory.h"

namespace vox::neural {

Status PiperBatchConfig::Validate() const {
  if (max_rows < 1 || max_rows > 64) return InvalidArgument("must be 1..64", "VOX_BATCH_MAX");
  if (wait_ms < 0 || wait_ms > 1000) {
    return InvalidArgument("must be 0..1000 (milliseconds)", "VOX_BATCH_WAIT_MS");
  }
  return {};
}

onnx::NamedTensors PiperGraphInputs(const onnx::Model& graph, const piper::VoiceConfig& voice,
                                    std::span<const PiperRow> rows, double speed) {
  const auto batch = static_cast<int64_t>(rows.size());
  size_t width = 0;
  for (const PiperRow& row : rows) width = std::max(width, row.ids.size());
  std::vector<int64_t> ids(batch * width, 0), lengths, sids;  // 0: Piper's pad id
  for (int64_t i = 0; i < batch; ++i) {
    std::copy(rows[i].ids.begin(), rows[i].ids.end(), ids.begin() + i * width);
    lengths.push_back(static_cast<int64_t>(rows[i].ids.size()));
    sids.push_back(rows[i].speaker_id);
  }
  const piper::PiperScales s = piper::ScalesFor(voice, speed);
  const std::vector<float> scales = {s.noise_scale, s.length_scale, s.noise_w};
  onnx::NamedTensors inputs = {
      {"input", onnx::Tensor::Int64({batch, static_cast<int64_t>(width)}, ids)},
      {"input_lengths", onnx::Tensor::Int64({batch}, lengths)},
      {"scales", onnx::Tensor::Float32({3}, scales)}};
  const bool multi = std::any_of(graph.inputs().begin(), graph.inputs().end(),
                                 [](const onnx::ValueInfo& v) { return v.name == "sid"; });
  if (multi) inputs.emplace_back("sid", onnx::Tensor::Int64({batch}, sids));
  return inputs;
}

Result<std::vector<PiperRun>> RunPiperBatch(const onnx::Model& graph,
                                            const piper::VoiceConfig& voice,
                                            std::span<const PiperRow> rows, double speed) {
  std::vector<PiperRun> runs;
  if (rows.empty()) return runs;
  // VITS rounds its predicted durations up (torch.ceil): the one Ceil of the
  // graph gives each id its frames, which both time the words and cut a
  // batch's rows. A graph with another shape gives no timings and no batches.
  const auto ceils = graph.OutputsOf("Ceil");
  if (rows.size() > 1 && ceils.size() != 1) {
    for (const PiperRow& row : rows) {
      VOX_ASSIGN_OR_RETURN(auto one, RunPiperBatch(graph, voice, {&row, 1}, speed));
      runs.push_back(std::move(one[0]));
    }
    return runs;
  }
  const auto batch = static_cast<int64_t>(rows.size());
  size_t width = 0;
  std::vector<int64_t> lengths;
  for (const PiperRow& row : rows) {
    width = std::max(width, row.ids.size());
    lengths.push_back(static_cast<int64_t>(row.ids.size()));
  }
  const onnx::NamedTensors inputs = PiperGraphInputs(graph, voice, rows, speed);
  onnx::RunOptions options{.seed = kPiperSeed};
  if (ceils.size() == 1) options.taps = ceils;
  VOX_ASSIGN_OR_RETURN(auto outputs, graph.Run(inputs, options));
  if (outputs.empty() || outputs[0].dtype() != onnx::DType::kFloat32) {
    return Internal("the graph's output is not float audio");
  }
  VOX_RETURN_IF_ERROR(onnx::CheckFinite(outputs[0], "the voice's audio"));
  const auto samples = outputs[0].floats();
  std::span<const float> frames;
  if (outputs.size() == 2 && outputs[1].dtype() == onnx::DType::kFloat32 &&
      outputs[1].floats().size() == static_cast<size_t>(batch) * width) {
    frames = outputs[1].floats();
  }
  if (batch > 1 && frames.empty()) return Internal("the graph gives no durations to cut a batch");
  const size_t per_row = samples.size() / batch;
  std::vector<int64_t> row_frames(batch);
  for (int64_t i = 0; i < batch; ++i) {
    const auto own = frames.empty() ? frames : frames.subspan(i * width, lengths[i]);
    // VITS: y_lengths = clamp_min(sum(ceil(w)), 1).
    row_frames[i] = std::max<int64_t>(1, std::lround(std::accumulate(own.begin(), own.end(), 0.0)));
    PiperRun run;
    run.frames.assign(own.begin(), own.end());
    runs.push_back(std::move(run));
  }
  const int64_t longest = *std::max_element(row_frames.begin(), row_frames.end());
  if (batch > 1 && per_row % longest != 0) {
    return Internal("the graph's audio is not a whole number of samples per frame");
  }
  const size_t hop = per_row / longest;
  for (int64_t i = 0; i < batch; ++i) {
    const auto row = samples.subspan(i * per_row, batch == 1 ? per_row : row_frames[i] * hop);
    runs[i].audio.assign(row.begin(), row.end());
  }
  return runs;
}

namespace {

// A runner that throws (an allocation failing) must not leave the other rows
// of its batch waiting forever.
Result<std::vector<PiperRun>> RunGuarded(const PiperBatcher::Runner& runner,
                                         std::span<const PiperRow> rows) {
  Result<std::vector<PiperRun>> runs;
  try {
    runs = runner(rows);
  } catch (const std::exception& e) {
    return Internal(std::string("a batch run failed: ") + e.what());
  }
  if (runs && runs->size() != rows.size()) return Internal("a batch gave the wrong number of rows");
  return runs;
}

}  // namespace

Result<PiperRun> PiperBatcher::Run(const PiperBatchKey& key, PiperRow row, const Runner& runner) {
  if (config_.max_rows <= 1) {
    VOX_ASSIGN_OR_RETURN(auto runs, RunGuarded(runner, {&row, 1}));
    return std::move(runs[0]);
  }
  const auto max_rows = static_cast<size_t>(config_.max_rows);
  std::unique_lock lock(mu_);
  if (auto it = open_.find(key); it != open_.end()) {  // join the open batch
    std::shared_ptr<Batch> batch = it->second;
    const size_t index = batch->rows.size();
    batch->rows.push_back(std::move(row));
    if (batch->rows.size() >= max_rows) {
      open_.erase(it);  // full: the next row opens a new one
      batch->cv.notify_all();
    }
    batch->cv.wait(lock, [&] { return batch->done; });
    return std::move(batch->results[index]);
  }
  auto batch = std::make_shared<Batch>();
  batch->rows.push_back(std::move(row));
  open_.emplace(key, batch);
  batch->cv.wait_for(lock, std::chrono::milliseconds(config_.wait_ms),
                     [&] { return batch->rows.size() >= max_rows; });
  if (auto it = open_.find(key); it != open_.end() && it->second == batch) open_.erase(it);
  lock.unlock();  // closed: nobody appends to rows any more
  auto runs = RunGuarded(runner, batch->rows);
  lock.lock();
  if (runs) {
    for (PiperRun& run : *runs) batch->results.emplace_back(std::move(run));
  } else {
    batch->results.assign(batch->rows.size(), std::unexpected(runs.error()));
  }
  batch->done = true;
  batch->cv.notify_all();
  return std::move(batch->results[0]);
}

}  // namespace vox::neural
