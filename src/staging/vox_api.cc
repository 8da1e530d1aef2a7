#include "staging/vox_api.h"

#include <charconv>
#include <thread>

#include "audio/decode.h"

namespace vox::staging {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

bool Final(const std::string& status) {
  return status == "done" || status == "failed" || status == "canceled";
}

}  // namespace

Error HttpError(const std::string& what, const HttpResult& r) {
  std::string body = r.body.size() > 300 ? r.body.substr(0, 300) + "..." : r.body;
  return Error{r.status == 429 || r.status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInternal,
               what + " answered " + std::to_string(r.status) + ": " + body, ""};
}

Result<std::vector<ListedVoice>> VoxApi::ListVoices() const {
  VOX_ASSIGN_OR_RETURN(HttpResult r, client_.Request("GET", "/v1/voices"));
  json body = r.Json();
  if (r.status != 200 || !body.is_object() || !body.contains("voices") ||
      !body["voices"].is_array()) {
    return std::unexpected(HttpError("GET /v1/voices", r));
  }
  std::vector<ListedVoice> out;
  for (const json& v : body["voices"]) {
    if (!v.is_object() || v.value("status", "ready") != "ready") continue;
    out.push_back({v.value("id", ""), v.value("language", ""), v.value("engine", ""),
                   v.value("kind", "builtin")});
  }
  return out;
}

Result<std::string> VoxApi::Submit(const json& request, const std::string& idempotency_key) const {
  StagingClient::HeaderList headers;
  if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
  VOX_ASSIGN_OR_RETURN(HttpResult r, client_.PostJson("/v1/tts/synthesize", request, headers));
  json body = r.Json();
  if ((r.status != 202 && r.status != 200) || !body.is_object() ||
      !body.value("job_id", json()).is_string()) {
    return std::unexpected(HttpError("POST /v1/tts/synthesize", r));
  }
  return body["job_id"].get<std::string>();
}

Result<json> VoxApi::WaitForFinal(const std::string& job_id, std::chrono::milliseconds timeout,
                                  std::chrono::milliseconds poll) const {
  const auto deadline = Clock::now() + timeout;
  std::string last = "no answer yet";
  while (true) {
    auto r = client_.Request("GET", "/v1/tts/job/" + job_id);
    if (r && r->status == 200) {
      json job = r->Json();
      std::string status = job.is_object() ? job.value("status", "") : "";
      if (Final(status)) return job;
      last = "status " + status;
    } else if (r && r->status < 500 && r->status != 429) {
      return std::unexpected(HttpError("GET /v1/tts/job/" + job_id, *r));
    } else {
      last = r ? "HTTP " + std::to_string(r->status) : r.error().message;
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(poll);
  }
  return Unavailable("job " + job_id + " not final after " +
                     std::to_string(timeout.count() / 1000) + " s (" + last + ")");
}

Result<FinishedJob> VoxApi::RunJob(const json& request, std::chrono::milliseconds timeout,
                                   std::chrono::milliseconds poll) const {
  const auto start = Clock::now();
  VOX_ASSIGN_OR_RETURN(std::string id, Submit(request));
  VOX_ASSIGN_OR_RETURN(json job, WaitForFinal(id, timeout, poll));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (job.value("status", "") != "done") {
    return Internal("job " + id + " ended " + job.value("status", "") + ": " +
                    job.value("error", json::object()).value("message", ""));
  }
  return FinishedJob{std::move(job), seconds};
}

Result<audio::PcmBuffer> VoxApi::FetchAudio(const json& job) const {
  const std::string url = job.value("audio_url", "");
  if (url.empty()) return Internal("job " + job.value("job_id", "") + " has no audio_url");
  VOX_ASSIGN_OR_RETURN(HttpResult r, client_.Request("GET", url));
  if (r.status != 200) return std::unexpected(HttpError("GET " + url, r));
  auto pcm = audio::Decode(r.body);
  if (!pcm)
    return Internal("the audio of job " + job.value("job_id", "") +
                    " does not decode: " + pcm.error().message);
  return pcm;
}

Result<StreamedAudio> VoxApi::Stream(json request) const {
  request["format"] = "pcm";
  VOX_ASSIGN_OR_RETURN(HttpResult r, client_.PostJson("/v1/tts/stream", request));
  if (r.status != 200) return std::unexpected(HttpError("POST /v1/tts/stream", r));
  // "audio/L16;rate=22050": the rate is the only thing raw samples do not carry.
  const std::string type = r.Header("content-type");
  const auto at = type.find("rate=");
  int rate = 0;
  if (at != std::string::npos)
    std::from_chars(type.data() + at + 5, type.data() + type.size(), rate);
  if (rate <= 0) return Internal("POST /v1/tts/stream: no rate in Content-Type '" + type + "'");
  auto pcm = audio::DecodeRawPcm(r.body, rate);
  if (!pcm) return Internal("the streamed audio does not decode: " + pcm.error().message);
  return StreamedAudio{std::move(*pcm), r.first_byte_s, r.total_s};
}

}  // namespace vox::staging
