// JobRunner: carries one claimed job through the pipeline of DESIGN.md.
//
//   picked → preprocessing (split, normalize, resolve voice)
//          → inference     (engine, sentence by sentence, streamed to the encoder)
//          → vocoding      (waveform post-processing: loudness pass, final encode)
//          → uploading     (blob store) → done
//
// For the built-in engines the vocoder runs inside the engine, so the
// "vocoding" stage covers post-processing and encoding. A cloned voice runs
// its base voice with the stored conversion (cloning/voice_resolver.h; the
// conversion and MLSA vocoding happen inside the engine, during inference),
// and its output's speaker similarity to the voice is recorded with the job.
//
// A voice creation job (kind voice_creation, cloning/voice_creation.h) goes
// through the same statuses, each step of VoiceCloner::Complete shown as one:
//   preprocessing (decode the recordings, protected voices) → inference (the
//   consent check) → vocoding (the conversion fit: trial syntheses) →
//   uploading (the voice's audio and row) → done; a refusal fails the job
//   and leaves the voice rejected with the reason.
// At most clone_user_concurrency creations of one user run at once: another
// is handed back to the queue for a few seconds without spending an attempt.
//
// Every transition is guarded by the worker's lease: a job that was canceled,
// or reclaimed by another worker after this one stalled, is never overwritten.
// The output key is derived from the job id, so running a job twice
// (at-least-once delivery) writes the same blob and completes once.
#pragma once

#include <functional>
#include <string>

#include "blob/blob_store.h"
#include "cache/audio_cache.h"
#include "cloning/voice_cloner.h"
#include "common/clock.h"
#include "engines/synthesizer.h"
#include "store/store.h"
#include "voice/speaker_encoder.h"
#include "watermark/watermarker.h"
#include "worker/worker_metrics.h"

namespace vox::worker {

struct JobRunnerConfig {
  std::string temp_dir = "/tmp";  // where audio is encoded before upload
  int64_t retry_base_ms = 1000;   // backoff: base * 4^(attempt-1), capped
  int64_t retry_max_ms = 60'000;
  std::optional<double> target_lufs;  // VOX_TARGET_LUFS; unset: no loudness pass
  // Scores the output of cloned-voice jobs against the voice's reference
  // (jobs.voice_similarity); null: not scored. Not owned; thread-safe.
  voice::SpeakerEncoder* speaker_encoder = nullptr;
  // Output scored: enough for a stable embedding, bounded for long texts.
  double similarity_max_seconds = 30.0;
  // Runs voice creation jobs; null: this worker fails them as unavailable
  // (retried, perhaps by a worker that has it). Not owned; thread-safe.
  cloning::VoiceCloner* cloner = nullptr;
  int clone_user_concurrency = 1;        // VOX_CLONE_USER_CONCURRENCY
  int64_t defer_ms = 2000;               // a creation waiting for its user's slot looks again after
  int64_t creation_heartbeat_ms = 5000;  // lease heartbeats during a creation's long steps
  // Marks every job's audio with its id; null or disabled: no mark, and the cache
  // points at the jobs' own audio. Not owned; thread-safe.
  const watermark::Watermarker* watermarker = nullptr;

  Status Validate() const;  // errors name the VOX_* setting
};

enum class Outcome {
  kDone,       // audio uploaded, job done
  kFailed,     // permanent failure recorded
  kRetry,      // transient failure: the caller hands it to JobQueue::Retry (retry_at_ms)
  kCanceled,   // the job was canceled while running
  kLeaseLost,  // another worker owns the job now; do nothing more
  kDeferred,   // not started: hand it back (JobQueue::Release) until retry_at_ms
};

struct RunResult {
  Outcome outcome = Outcome::kFailed;
  int64_t retry_at_ms = 0;
  std::string message;
};

class JobRunner {
 public:
  // `heartbeat` extends the job's lease; it returns kCanceled once the job
  // was canceled and another error if the lease is lost.
  using Heartbeat = std::function<Status()>;

  JobRunner(store::Store& store, blob::BlobStore& blobs, cache::AudioCache& cache,
            const engines::Synthesizer& synthesizer, WorkerMetrics& metrics, JobRunnerConfig config,
            const Clock& clock = Clock::System())
      : store_(store),
        blobs_(blobs),
        cache_(cache),
        synthesizer_(synthesizer),
        metrics_(metrics),
        config_(std::move(config)),
        clock_(clock) {}

  RunResult Run(const store::Job& job, const std::string& worker_id, const Heartbeat& heartbeat);

  // The blob key of a job's audio: one key per job, so a rerun overwrites.
  static std::string AudioKey(const std::string& job_id, const std::string& format);

 private:
  Result<bool> Advance(const store::Job& job, const std::string& worker_id, store::JobStatus to,
                       const std::string& message = {});
  RunResult Finish(const store::Job& job, const std::string& worker_id, const Error& error);
  Result<bool> TryCache(const store::Job& job, const std::string& worker_id);
  bool marking() const { return config_.watermarker != nullptr && config_.watermarker->enabled(); }
  // job_runner_cache.cc: the cached unmarked master `entry` decoded, marked with the
  // job's id, encoded in its format and stored as its audio; the bytes stored.
  Result<int64_t> MarkCached(const store::Job& job, const store::CacheEntry& entry);
  // Adds a done job's audio seconds to the usage row its params name.
  void ChargeAudio(const store::Job& job, double audio_s, int64_t at);
  RunResult RunSynthesis(const store::Job& job, const std::string& worker_id,
                         const Heartbeat& heartbeat);
  RunResult RunVoiceCreation(const store::Job& job, const std::string& worker_id,
                             const Heartbeat& heartbeat);
  std::optional<double> VoiceSimilarity(const audio::PcmBuffer& output,
                                        const voice::Embedding& reference);

  store::Store& store_;
  blob::BlobStore& blobs_;
  cache::AudioCache& cache_;
  const engines::Synthesizer& synthesizer_;
  WorkerMetrics& metrics_;
  const JobRunnerConfig config_;
  const Clock& clock_;
};

}  // namespace vox::worker
