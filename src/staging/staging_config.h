// What the staging suite checks and the bounds it holds a deployment to: one JSON file
// (deploy/staging/thresholds.json; every key documented in deploy/staging/README.md).
// Every key is optional (the defaults below); an unknown key is refused, naming it, so a
// typo in a threshold cannot silently leave the default in force.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace vox::staging {

// Every language of the voices the server lists speaks one short sentence (an async job,
// its audio fetched and decoded); English ones are also transcribed.
struct FunctionalConfig {
  // Sentence per language (the key is a language prefix: "de" covers "de" and "de-CH");
  // languages without one speak `default_sentence`.
  std::map<std::string, std::string> sentences;
  std::string default_sentence = "1 2 3 4 5.";
  double min_rms = 0.003;               // non-silent: RMS of the whole clip, full scale 1
  double min_seconds_per_char = 0.015;  // plausible duration: between these per character
  double max_seconds_per_char = 0.35;   // of the sentence, plus 1 s of slack
  int concurrency = 4;                  // jobs in flight at once
};

// Time to first audio byte on POST /v1/tts/stream, and submit-to-done of async jobs
// (client-side, polled every `poll_ms`), each as p50/p95 over sequential samples.
struct LatencyConfig {
  std::string voice_id;  // empty: the server's default voice
  int stream_samples = 5;
  int job_samples = 5;
  int poll_ms = 20;
  double max_ttfa_p50_ms = 1000;
  double max_ttfa_p95_ms = 2000;
  double max_job_p50_ms = 3000;
  double max_job_p95_ms = 6000;
};

// Word error rate (pocketsphinx) of English voices on the quality gate's fixed set; and
// speaker similarity of a clone's speech, when a clone is named.
struct QualityConfig {
  std::vector<std::string> voices;  // empty: every ready built-in English voice not skipped
  // Engines the recognizer cannot judge, left out of every word error rate (functional
  // too): eSpeak NG's formant speech is understood by people, not by this ASR (WER ~0.8-1.0,
  // docs/QUALITY.md), so a bound on it would catch nothing.
  std::vector<std::string> skip_engines = {"espeak-ng"};
  double max_wer = 0.35;
  // Per voice id or engine name (the voice id wins).
  std::map<std::string, double> max_wer_overrides;
  std::string clone_voice_id;         // empty: no clone check
  std::string clone_reference_audio;  // the speaker's recording; empty: the server's score
  double min_clone_similarity = 0.7;

  double MaxWerFor(const std::string& voice_id, const std::string& engine) const;
  bool Judged(const std::string& engine) const;
};

// A burst of distinct async jobs; all must end done, each once.
struct LoadConfig {
  std::string voice_id;
  int jobs = 20;
  int concurrency = 4;  // submitters
  double timeout_s = 180;
};

// Shell commands run once the burst is half submitted, in this order; the jobs must still
// all reach a final state. They run with STAGING_URL in their environment.
struct FailureConfig {
  std::string kill_worker_cmd;
  std::string restart_service_cmd;
  int max_attempts = 3;  // a job requeued after a crash runs again; past this is a loop
  int max_failed = 0;    // jobs allowed to end failed after the hooks

  bool any() const { return !kill_worker_cmd.empty() || !restart_service_cmd.empty(); }
};

struct StagingConfig {
  // Which checks run, of functional, quality, latency, load (failure hooks run in load).
  std::vector<std::string> checks = {"functional", "quality", "latency", "load"};
  FunctionalConfig functional;
  LatencyConfig latency;
  QualityConfig quality;
  LoadConfig load;
  FailureConfig failure;
  std::string json_report = "build/staging/report.json";
  std::string markdown_report = "build/staging/report.md";
  double request_timeout_s = 60;
  std::chrono::milliseconds request_timeout() const {
    return std::chrono::milliseconds(static_cast<int64_t>(request_timeout_s * 1000));
  }

  // Errors: invalid_argument naming the key ("latency.max_ttfa_p95_ms").
  static Result<StagingConfig> FromJson(const nlohmann::json& json);
  static Result<StagingConfig> Load(const std::string& path);
  nlohmann::json ToJson() const;  // what the report records as the bounds it used
  bool Runs(const std::string& check) const;
};

}  // namespace vox::staging
