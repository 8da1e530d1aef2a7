// Dynamic batching of Piper graph runs: phrases of the same voice and the
// same scales that arrive within a short wait run as one padded batch.
//
// A batch pads `input` with Piper's pad id (0) to its longest row, gives each
// row its `input_lengths` and `sid`, and cuts each row's audio to its own
// length: VITS gives a row max(1, sum of its rounded-up durations) frames (the
// graph's one `Ceil`), and every frame is the same number of samples (the
// decoder's hop: the padded output's length over the longest row's frames).
//
// Not bit-equal to running a row alone: Piper's decoder (HiFi-GAN) has no
// mask, so a row shorter than the batch's longest hears, through its last few
// frames of receptive field, the padding's bias where alone it hears zeros;
// and with noise on, the random draws depend on the batch's shape. Everything
// before the last 7 frames of a row matches the row alone to float rounding
// (piper_batch_test). This is why batching is off unless configured.
#pragma once

#include <compare>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "common/status.h"
#include "onnx/model.h"
#include "piper/voice_config.h"

namespace vox::neural {

struct PiperBatchConfig {
  int max_rows = 1;  // VOX_BATCH_MAX: rows per graph run; 1 = no batching
  int wait_ms = 5;   // VOX_BATCH_WAIT_MS: how long a first row waits for company

  Status Validate() const;  // errors name the VOX_* setting
};

// What one phrase's ids give through a Piper graph.
struct PiperRun {
  std::vector<float> audio;   // the waveform, checked finite
  std::vector<float> frames;  // per id, from the graph's Ceil (durations); empty if none
};

// Seeds every Piper graph run's random draws: identical requests, identical audio.
inline constexpr uint64_t kPiperSeed = 0x5eed;

// One phrase of a batch.
struct PiperRow {
  std::vector<int64_t> ids;
  int speaker_id = 0;  // ignored by single-speaker graphs
};

// A Piper graph's inputs for rows: `input` padded with Piper's pad id (0) to
// the longest row, `input_lengths`, `scales` (from the voice and the speed),
// and `sid` when the graph takes one.
onnx::NamedTensors PiperGraphInputs(const onnx::Model& graph, const piper::VoiceConfig& voice,
                                    std::span<const PiperRow> rows, double speed);

// Runs rows through a Piper graph in one run (a graph without exactly one
// Ceil cannot cut its rows: it runs them one by one). One result per row,
// in order; an error (a kernel failure, a NaN in any row) is the batch's.
Result<std::vector<PiperRun>> RunPiperBatch(const onnx::Model& graph,
                                            const piper::VoiceConfig& voice,
                                            std::span<const PiperRow> rows, double speed);

// Rows that may share a run: the same graph and the same scales.
struct PiperBatchKey {
  const onnx::Model* graph = nullptr;
  float noise_scale = 0, length_scale = 0, noise_w = 0;
  auto operator<=>(const PiperBatchKey&) const = default;
};

// Gathers concurrent rows into batches. The first row of a key opens a batch
// and leads it: it waits up to wait_ms (less when max_rows arrive), closes the
// batch, runs it on its own thread and hands every row its result; the others
// block until then. A lone row therefore runs after the wait. An error of the
// run reaches every row of the batch. With max_rows 1 a row runs at once, on
// the caller's thread. Thread-safe.
class PiperBatcher {
 public:
  using Runner = std::function<Result<std::vector<PiperRun>>(std::span<const PiperRow>)>;

  explicit PiperBatcher(PiperBatchConfig config) : config_(config) {}

  // `runner` runs one batch of rows of `key` (the leader's is used).
  Result<PiperRun> Run(const PiperBatchKey& key, PiperRow row, const Runner& runner);

  const PiperBatchConfig& config() const { return config_; }

 private:
  struct Batch {
    std::vector<PiperRow> rows;  // appended only while the batch is open
    std::vector<Result<PiperRun>> results;
    bool done = false;
    std::condition_variable cv;  // rows arriving (leader), results ready (everyone)
  };

  const PiperBatchConfig config_;
  std::mutex mu_;  // guards open_ and every Batch
  std::map<PiperBatchKey, std::shared_ptr<Batch>> open_;
};

}  // namespace vox::neural
