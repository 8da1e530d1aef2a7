// AudioSweeper: VOX_AUDIO_RETENTION. Deletes the audio of jobs that finished
// longer ago than the retention period; the job row stays, marked expired
// (GET /v1/audio/... answers 410 Gone, the job's description says
// "audio_expired"). Every API and worker process may run one: each job's
// audio is marked expired by exactly one sweeper (Store::ExpireAudio), and
// deletes of a missing blob succeed, so concurrent passes neither fail nor
// delete twice. A blob shared by cache hits is deleted with the last job that
// names it. A pass handles at most `batch` jobs; a blob store failure puts
// the job back for the next pass. Works with any BlobStore (file, S3,
// encrypted). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <thread>

#include "blob/blob_store.h"
#include "common/clock.h"
#include "common/status.h"
#include "obs/metrics.h"
#include "store/store.h"

namespace vox::worker {

struct AudioRetention {
  int64_t retention_ms = 0;      // VOX_AUDIO_RETENTION; 0: keep audio forever
  int64_t interval_ms = 60'000;  // VOX_AUDIO_SWEEP_INTERVAL_MS: time between passes
  int batch = 500;               // jobs per pass (bounds one pass's time and memory)

  Status Validate() const;  // errors name the VOX_* setting
};

// "30d", "12h", "90m", "45s", "1500ms" -> milliseconds; "", "0", "off",
// "forever" -> 0 (keep forever). kInvalidArgument naming VOX_AUDIO_RETENTION
// otherwise.
Result<int64_t> ParseRetention(std::string_view text);

struct SweepResult {
  int expired = 0;        // jobs this pass marked expired
  int blobs_deleted = 0;  // audio blobs deleted (shared ones once)
  int failed = 0;         // blob deletes that failed (retried next pass)
};

class AudioSweeper {
 public:
  AudioSweeper(store::Store& store, blob::BlobStore& blobs, obs::Registry& metrics,
               AudioRetention retention, const Clock& clock = Clock::System());
  ~AudioSweeper() { Stop(); }
  AudioSweeper(const AudioSweeper&) = delete;
  AudioSweeper& operator=(const AudioSweeper&) = delete;

  // One pass over at most `batch` jobs whose audio outlived the retention.
  // A no-op when retention is 0. Errors are the Store's (a pass stops there).
  Result<SweepResult> SweepOnce();

  // SweepOnce() now and every interval_ms on a thread of its own, until
  // Stop(); does nothing when retention is 0.
  void Start();
  void Stop();

 private:
  // Deletes the audio, its SSML marks and the word timestamps beside it.
  Status DeleteAudio(const std::string& audio_key);

  store::Store& store_;
  blob::BlobStore& blobs_;
  const AudioRetention retention_;
  const Clock& clock_;
  obs::Family<obs::Counter>& expired_;
  obs::Family<obs::Counter>& errors_;
  std::mutex sweep_mu_;  // one pass at a time in this process
  std::mutex run_mu_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace vox::worker
