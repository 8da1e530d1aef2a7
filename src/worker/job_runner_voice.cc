// JobRunner: voice creation jobs (job_runner.h; cloning/voice_creation.h).
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "cloning/voice_creation.h"
#include "worker/job_runner.h"

namespace vox::worker {
namespace {

using store::JobStatus;

// Heartbeats the job's lease every few seconds while a creation runs: one of
// its steps (a fit of many trial syntheses) can outlast a lease.
class LeaseKeeper {
 public:
  LeaseKeeper(const JobRunner::Heartbeat& heartbeat, std::chrono::milliseconds every)
      : thread_([this, &heartbeat, every](std::stop_token stop) {
          std::unique_lock lock(mu_);
          while (true) {
            cv_.wait_for(lock, stop, every, [] { return false; });
            if (stop.stop_requested()) return;
            lock.unlock();
            auto beat = heartbeat();
            lock.lock();
            if (!beat) {
              error_ = beat.error();
              return;
            }
          }
        }) {}

  // The first heartbeat error (canceled, lease lost, worker stopping), if any.
  std::optional<Error> error() {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::optional<Error> error_;
  std::jthread thread_;  // last: stopped and joined before the members it uses go
};

struct Stage {
  JobStatus status;
  const char* metric;  // vox_job_stage_duration_seconds{stage}
  const char* message;
};

Stage StageOf(cloning::CreationStep step) {
  switch (step) {
    case cloning::CreationStep::kDecoding:
      return {JobStatus::kPreprocessing, "clone_decoding", "decoding and checking the recordings"};
    case cloning::CreationStep::kConsent:
      return {JobStatus::kInference, "clone_consent", "verifying the consent recording"};
    case cloning::CreationStep::kFitting:
      return {JobStatus::kVocoding, "clone_fitting", "fitting the voice conversion"};
    case cloning::CreationStep::kStoring:
      return {JobStatus::kUploading, "clone_storing", "storing the voice"};
  }
  return {JobStatus::kPreprocessing, "clone_decoding", ""};
}

// A refusal of the upload itself: the voice is rejected, never retried.
bool IsRefusal(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnprocessable:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

}  // namespace

RunResult JobRunner::RunVoiceCreation(const store::Job& job, const std::string& worker_id,
                                      const Heartbeat& heartbeat) {
  auto fail = [&](const Error& e) { return Finish(job, worker_id, e); };
  auto defer = [&](const std::string& why) {
    // Jitter, so two creations that deferred each other do not meet again.
    thread_local std::minstd_rand jitter{std::random_device{}()};
    const int64_t delay = config_.defer_ms + static_cast<int64_t>(jitter() % 1000);
    return RunResult{Outcome::kDeferred, clock_.NowMs() + delay, why};
  };
  if (!config_.cloner) {
    return fail(Error{ErrorCode::kUnavailable,
                      "voice cloning is not available on this worker (see its log)", ""});
  }
  auto running = store_.CountRunningJobs(job.user_id, store::JobKind::kVoiceCreation, job.id);
  if (!running) return fail(running.error());
  if (*running >= config_.clone_user_concurrency) {
    return defer("waiting: " + std::to_string(*running) +
                 " voice creation(s) of this user running");
  }
  auto params = cloning::CreationParams::FromJson(job.params);
  if (!params) return fail(params.error());
  std::vector<std::string> recordings;
  auto input = cloning::LoadCreationInput(blobs_, *params, recordings);
  if (!input) {
    if (IsRefusal(input.error())) {
      (void)cloning::RejectVoice(store_, blobs_, job.voice_id, input.error(), clock_.NowMs());
    }
    return fail(input.error());
  }

  LeaseKeeper keeper(heartbeat, std::chrono::milliseconds(config_.creation_heartbeat_ms));
  bool lease_lost = false;
  auto stage_start = std::chrono::steady_clock::now();
  const char* current_stage = nullptr;
  auto close_stage = [&] {
    if (!current_stage) return;
    auto now = std::chrono::steady_clock::now();
    metrics_.stage_seconds.With({current_stage})
        .Observe(std::chrono::duration<double>(now - stage_start).count());
    stage_start = now;
  };
  auto step = [&](cloning::CreationStep s) -> Status {
    if (auto e = keeper.error()) return std::unexpected(*e);
    const Stage stage = StageOf(s);
    close_stage();
    current_stage = stage.metric;
    auto moved = Advance(job, worker_id, stage.status, stage.message);
    if (!moved) return std::unexpected(moved.error());
    if (!*moved) {
      lease_lost = true;
      return MakeError(ErrorCode::kCanceled, "the job changed hands");
    }
    return {};
  };
  auto voice = config_.cloner->Complete(job.voice_id, *input, params->actor, step);
  close_stage();
  recordings.clear();

  if (voice) {
    // The recordings go before the job ends (a failure here is the sweep's).
    (void)cloning::RemoveStagedUploads(blobs_, job.voice_id);
    store::JobTransition done;
    done.job_id = job.id;
    done.to = JobStatus::kDone;
    done.at = clock_.NowMs();
    done.lease_owner = worker_id;
    done.message = "voice ready";
    auto finished = store_.TransitionJob(done);
    if (!finished) return fail(finished.error());
    if (!*finished) return {Outcome::kLeaseLost, 0, "lease lost"};  // the voice is ready anyway
    metrics_.jobs_finished.With({"done"}).Inc();
    metrics_.voice_creations.With({"ready"}).Inc();
    return {Outcome::kDone, 0, {}};
  }
  const Error& error = voice.error();
  if (lease_lost) return {Outcome::kLeaseLost, 0, "lease lost"};
  if (auto beat = keeper.error()) {
    if (beat->code == ErrorCode::kCanceled) return {Outcome::kCanceled, 0, "canceled"};
    return {Outcome::kLeaseLost, 0, beat->message};
  }
  if (error.code == ErrorCode::kResourceExhausted) return defer(error.message);
  if (IsRefusal(error)) {
    // The reason stays with the voice (and the audit log); the recordings go.
    if (auto s = cloning::RejectVoice(store_, blobs_, job.voice_id, error, clock_.NowMs()); !s) {
      return fail(s.error());  // the database: retried
    }
    metrics_.voice_creations.With({"rejected"}).Inc();
  }
  RunResult result = fail(error);
  if (result.outcome == Outcome::kFailed) {
    store::Job ended = job;
    ended.status = JobStatus::kFailed;
    (void)cloning::SettleVoiceCreation(store_, blobs_, ended);
  }
  return result;
}

}  // namespace vox::worker
