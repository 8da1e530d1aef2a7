// Latency, measured from this client as a user would see it (network included): time to
// the first audio byte of POST /v1/tts/stream, and from sending POST /v1/tts/synthesize to
// reading a final status (polled every latency.poll_ms, so that much coarser). Samples run
// one after another, so the figures are an idle system's; the burst measures the loaded one.
#include <fmt/format.h>

#include "staging/checks.h"

namespace vox::staging {
namespace {

using nlohmann::json;

json Request(const RunContext& run, const char* route, int i) {
  // Distinct per run and sample: no sample is answered from the cache.
  json r = {{"text", fmt::format("Latency sample {} on the {} route of run {}. The quick brown "
                                 "fox jumps over the lazy dog.",
                                 i + 1, route, run.run_id)}};
  if (!run.config.latency.voice_id.empty()) r["voice_id"] = run.config.latency.voice_id;
  return r;
}

void JudgePercentiles(Report& report, const std::string& what, const std::vector<double>& ms,
                      double p50_bound, double p95_bound, const std::string& failures) {
  const std::string detail =
      fmt::format("{} samples{}", ms.size(), failures.empty() ? "" : "; failed: " + failures);
  report.Judge("latency", "latency.max_" + what + "_p50_ms", "", Percentile(ms, 50),
               "<=", p50_bound, detail);
  report.Judge("latency", "latency.max_" + what + "_p95_ms", "", Percentile(ms, 95),
               "<=", p95_bound, detail);
}

}  // namespace

void CheckLatency(const RunContext& run, Report& report) {
  const LatencyConfig& l = run.config.latency;
  std::vector<double> ttfa;
  std::string failures;
  for (int i = 0; i < l.stream_samples; ++i) {
    auto streamed = run.api.Stream(Request(run, "stream", i));
    if (streamed && streamed->first_audio_s >= 0) {
      ttfa.push_back(streamed->first_audio_s * 1000);
    } else {
      failures += streamed ? "no audio; " : streamed.error().message + "; ";
    }
  }
  // A failed sample is no sample: the percentiles cover those that answered, and the row
  // fails when any did not.
  JudgePercentiles(report, "ttfa", ttfa, l.max_ttfa_p50_ms, l.max_ttfa_p95_ms, failures);
  if (!failures.empty()) report.Outcome("latency", "latency.stream_errors", "", false, failures);

  std::vector<double> jobs;
  failures.clear();
  const auto timeout = run.config.request_timeout();
  for (int i = 0; i < l.job_samples; ++i) {
    auto done =
        run.api.RunJob(Request(run, "job", i), timeout, std::chrono::milliseconds(l.poll_ms));
    if (done) {
      jobs.push_back(done->submit_to_done_s * 1000);
    } else {
      failures += done.error().message + "; ";
    }
  }
  JudgePercentiles(report, "job", jobs, l.max_job_p50_ms, l.max_job_p95_ms, failures);
  if (!failures.empty()) report.Outcome("latency", "latency.job_errors", "", false, failures);
}

}  // namespace vox::staging
