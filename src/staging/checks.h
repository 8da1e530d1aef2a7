// The staging suite's checks, one file each; every one records its figures in the Report
// and never stops the run: a failed check is a row, so one report names every regression.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "staging/staging_config.h"
#include "staging/staging_report.h"
#include "staging/vox_api.h"

namespace vox::staging {

// What every check shares: the API, the bounds, and a token unique to this run, put in
// every text so that no job is answered from the audio cache of an earlier run.
struct RunContext {
  const VoxApi& api;
  const StagingConfig& config;
  std::string run_id;
  asr::Transcriber* asr;  // null: the recognizer could not load (ASR rows fail, saying so)
};

// Every language of the listed voices speaks (functional_check.cc).
void CheckFunctional(const RunContext& run, const std::vector<ListedVoice>& voices, Report& report);
// Word error rate of English voices; clone similarity (quality_check.cc).
void CheckQuality(const RunContext& run, const std::vector<ListedVoice>& voices, Report& report);
// Time to first audio, submit-to-done p50/p95 (latency_check.cc).
void CheckLatency(const RunContext& run, Report& report);
// The burst, with the failure hooks mid-way when configured (load_check.cc).
void CheckLoad(const RunContext& run, Report& report);

// Shared by the checks (check_helpers.cc) -----------------------------------------------

// Nearest-rank percentile (p in 0..100) of `values`; nullopt when empty.
std::optional<double> Percentile(std::vector<double> values, double p);

// Runs fn(i) for i in [0, n) on `threads` threads.
void ForEachParallel(int n, int threads, const std::function<void(int)>& fn);

// Transcribes `pcm` and scores it against `reference`; the transcript in `heard`.
Result<asr::WerResult> HeardErrors(asr::Transcriber* asr, const audio::PcmBuffer& pcm,
                                   const std::string& reference, std::string& heard);

}  // namespace vox::staging
