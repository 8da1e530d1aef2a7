// The parts of Vox's native API (DESIGN.md "Public contract") the staging suite drives,
// over StagingClient: voices, async jobs to their final state and their audio, streams.
// Every error names the route and what came back, for the report.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "staging/staging_client.h"

namespace vox::staging {

struct ListedVoice {
  std::string id;
  std::string language;  // as listed ("en-US", "de")
  std::string engine;
  std::string kind;  // "builtin" or "clone"
};

struct FinishedJob {
  nlohmann::json job;       // the last GET /v1/tts/job/{id} body
  double submit_to_done_s;  // from sending the submission to seeing the final status
};

struct StreamedAudio {
  audio::PcmBuffer pcm;
  double first_audio_s = -1;  // first body byte
  double total_s = 0;
};

class VoxApi {
 public:
  explicit VoxApi(const StagingClient& client) : client_(client) {}

  // Ready voices, built-in first as the server lists them.
  Result<std::vector<ListedVoice>> ListVoices() const;

  // POST /v1/tts/synthesize; the job id of a 202 (or of a 200 replaying an idempotent one).
  Result<std::string> Submit(const nlohmann::json& request,
                             const std::string& idempotency_key = {}) const;
  // Polls until done, failed or canceled; transport errors and 5xx are retried (a service
  // being restarted) until `timeout`. deadline_exceeded as unavailable with the last status.
  Result<nlohmann::json> WaitForFinal(const std::string& job_id, std::chrono::milliseconds timeout,
                                      std::chrono::milliseconds poll) const;
  // Submit + WaitForFinal, timed; a job that ends other than done is an error.
  Result<FinishedJob> RunJob(const nlohmann::json& request, std::chrono::milliseconds timeout,
                             std::chrono::milliseconds poll) const;
  // A done job's audio (its audio_url, relative or presigned), decoded.
  Result<audio::PcmBuffer> FetchAudio(const nlohmann::json& job) const;
  // POST /v1/tts/stream as raw PCM ("format":"pcm" is set), decoded, first audio timed.
  Result<StreamedAudio> Stream(nlohmann::json request) const;

  const StagingClient& client() const { return client_; }

 private:
  const StagingClient& client_;
};

// "POST /v1/tts/synthesize answered 422: {...}" with the body cut short.
Error HttpError(const std::string& what, const HttpResult& r);

}  // namespace vox::staging
