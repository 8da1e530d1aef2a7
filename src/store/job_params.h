// The schema of the jobs.params JSON column, shared by the API (which writes
// it at submit) and the worker (which reads it to run the job).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace vox::store {

struct JobParams {
  std::string language;            // empty: the voice's own
  std::optional<int> sample_rate;  // empty: the voice's native rate
  double speed = 1.0;
  double pitch = 1.0;
  // The text as the API prepared it when it accepted the job: normalized
  // sentences in order, and the normalizer version that made them. The worker
  // synthesizes these as they are. Empty for jobs accepted before they were
  // stored (the worker prepares those itself).
  std::vector<std::string> sentences;
  std::string normalizer;
  // SSML requests: how each sentence is spoken (engines::PlanStyles::ToJson,
  // opaque here). null for plain text and for jobs stored before SSML.
  nlohmann::json styles;
  // Which usage row the job charges (store/usage_tags.h); null for jobs accepted before metering.
  nlohmann::json usage;

  std::string ToJson() const {
    nlohmann::json j = {{"language", language}, {"speed", speed}, {"pitch", pitch}};
    j["sample_rate"] = sample_rate ? nlohmann::json(*sample_rate) : nlohmann::json(nullptr);
    if (!sentences.empty()) {
      j["sentences"] = sentences;
      j["normalizer"] = normalizer;
    }
    if (!styles.is_null()) j["styles"] = styles;
    if (!usage.is_null()) j["usage"] = usage;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  static Result<JobParams> FromJson(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Internal("job params are not a JSON object");
    JobParams p;
    try {
      p.language = j.value("language", "");
      if (j.contains("sample_rate") && !j["sample_rate"].is_null()) {
        p.sample_rate = j["sample_rate"].get<int>();
      }
      p.speed = j.value("speed", 1.0);
      p.pitch = j.value("pitch", 1.0);
      if (j.contains("sentences")) p.sentences = j["sentences"].get<std::vector<std::string>>();
      p.normalizer = j.value("normalizer", "");
      if (j.contains("styles")) p.styles = j["styles"];
      if (j.contains("usage")) p.usage = j["usage"];
    } catch (const nlohmann::json::exception& e) {
      return Internal(std::string("job params are malformed: ") + e.what());
    }
    return p;
  }
};

// Where a done job's SSML marks are kept (a JSON array of {"name","time"}),
// beside its audio: written by the worker, read by the job's description.
inline std::string MarksBlobKey(const std::string& audio_key) { return audio_key + ".marks.json"; }

// The job whose worker wrote `audio_key` ("audio/<job id>.<ext>"): a cache
// hit's audio, and the word timestamps beside it, belong to that earlier job.
// `fallback` when the key has another shape.
inline std::string AudioOwner(const std::string& audio_key, const std::string& fallback) {
  if (!audio_key.starts_with("audio/")) return fallback;
  return audio_key.substr(6, audio_key.rfind('.') - 6);
}

}  // namespace vox::store
