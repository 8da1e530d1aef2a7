#include "worker/audio_sweeper.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>
#include <limits>

#include "engines/timeline.h"
#include "store/job_params.h"

namespace vox::worker {

Status AudioRetention::Validate() const {
  if (retention_ms < 0) return InvalidArgument("must not be negative", "VOX_AUDIO_RETENTION");
  if (interval_ms < 100 || interval_ms > 86'400'000) {
    return InvalidArgument("must be 100..86400000", "VOX_AUDIO_SWEEP_INTERVAL_MS");
  }
  if (batch < 1 || batch > 100'000) return InvalidArgument("must be 1..100000", "batch");
  return {};
}

Result<int64_t> ParseRetention(std::string_view text) {
  if (text.empty() || text == "0" || text == "off" || text == "forever") return 0;
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string_view unit = text.substr(digits);
  int64_t per = 0;
  if (unit == "ms") per = 1;
  if (unit == "s") per = 1000;
  if (unit == "m") per = 60'000;
  if (unit == "h") per = 3'600'000;
  if (unit == "d") per = 86'400'000;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, n);
  if (digits == 0 || per == 0 || ec != std::errc() ||
      n > std::numeric_limits<int64_t>::max() / per / 2) {
    return InvalidArgument(
        "expected a duration such as 30d, 12h, 90m or 45s, or off (keep audio forever)",
        "VOX_AUDIO_RETENTION");
  }
  return n * per;
}

AudioSweeper::AudioSweeper(store::Store& store, blob::BlobStore& blobs, obs::Registry& metrics,
                           AudioRetention retention, const Clock& clock)
    : store_(store),
      blobs_(blobs),
      retention_(retention),
      clock_(clock),
      expired_(metrics.AddCounter("vox_audio_expired_total",
                                  "Jobs whose audio the retention sweeper deleted.")),
      errors_(metrics.AddCounter("vox_audio_sweep_errors_total",
                                 "Retention sweeper failures, by kind.", {"kind"})) {}

Status AudioSweeper::DeleteAudio(const std::string& audio_key) {
  VOX_RETURN_IF_ERROR(blobs_.Delete(store::MarksBlobKey(audio_key)));
  if (const std::string owner = store::AudioOwner(audio_key, ""); !owner.empty()) {
    VOX_RETURN_IF_ERROR(blobs_.Delete(engines::TimestampsKey(owner)));
  }
  return blobs_.Delete(audio_key);  // last: a retry finds the key's companions gone already
}

Result<SweepResult> AudioSweeper::SweepOnce() {
  SweepResult result;
  if (retention_.retention_ms <= 0) return result;
  std::lock_guard lock(sweep_mu_);
  const int64_t now = clock_.NowMs();
  VOX_ASSIGN_OR_RETURN(auto jobs,
                       store_.ListExpiringAudio(now - retention_.retention_ms, retention_.batch));
  for (const store::Job& job : jobs) {
    // Marked first: from here the audio is gone for clients (410), and only
    // the sweeper that marked the job goes on with it.
    VOX_ASSIGN_OR_RETURN(bool won, store_.ExpireAudio(job.id, now));
    if (!won) continue;
    ++result.expired;
    expired_.With({}).Inc();
    VOX_ASSIGN_OR_RETURN(bool shared, store_.AudioKeyInUse(*job.audio_key));
    if (shared) continue;  // a later cache hit still serves it; it goes with that job
    if (auto deleted = DeleteAudio(*job.audio_key); !deleted) {
      ++result.failed;
      errors_.With({"delete"}).Inc();
      spdlog::warn("audio retention: job {}: deleting {} failed, retried next pass: {}", job.id,
                   *job.audio_key, deleted.error().ToString());
      VOX_RETURN_IF_ERROR(store_.RestoreAudio(job.id));
      continue;
    }
    ++result.blobs_deleted;
  }
  if (result.expired > 0) {
    spdlog::info("audio retention: {} job(s) expired, {} blob(s) deleted", result.expired,
                 result.blobs_deleted);
  }
  return result;
}

void AudioSweeper::Start() {
  Stop();
  if (retention_.retention_ms <= 0) return;
  thread_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (auto swept = SweepOnce(); !swept) {
        errors_.With({"store"}).Inc();
        spdlog::warn("audio retention pass failed: {}", swept.error().ToString());
      }
      std::unique_lock lock(run_mu_);
      wake_.wait_for(lock, stop, std::chrono::milliseconds(retention_.interval_ms),
                     [&stop] { return stop.stop_requested(); });
    }
  });
}

void AudioSweeper::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace vox::worker
