#include "staging/staging_suite.h"

#include <chrono>
#include <functional>

#include "common/utc_time.h"
#include "common/uuid.h"
#include "staging/checks.h"

namespace vox::staging {

void RunStagingSuite(const std::string& url, const std::string& key, const StagingConfig& config,
                     SuiteRun& run) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const int64_t start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const StagingClient client(url, key, config.request_timeout());
  const VoxApi api(client);
  const std::string run_id = NewUuid().substr(0, 8);
  run.context = {{"target", client.base_url()},
                 {"run_id", run_id},
                 {"started_at", Iso8601(start_ms)},
                 {"config", config.ToJson()}};
  Report& report = run.report;

  auto asr = asr::Transcriber::Create({});
  if (!asr) {
    report.Outcome("quality", "quality.asr", "", false,
                   "the speech recognizer did not load: " + asr.error().message);
  }
  const RunContext context{api, config, run_id, asr ? asr->get() : nullptr};

  auto ready = client.Request("GET", "/readyz");
  report.Outcome(
      "functional", "functional.ready", "", ready && ready->status == 200,
      ready ? "GET /readyz answered " + std::to_string(ready->status) : ready.error().message);
  auto voices = api.ListVoices();
  if (!voices) {
    report.Outcome("functional", "functional.voices", "", false, voices.error().message);
  } else {
    // Each check's own time, in the report: where a slow run spent it.
    auto timed = [&](const char* check, const std::function<void()>& fn) {
      if (!config.Runs(check)) return;
      const auto begin = Clock::now();
      fn();
      report.Info(check, std::string(check) + ".elapsed_s", "",
                  std::chrono::duration<double>(Clock::now() - begin).count());
    };
    timed("functional", [&] { CheckFunctional(context, *voices, report); });
    timed("quality", [&] { CheckQuality(context, *voices, report); });
    timed("latency", [&] { CheckLatency(context, report); });
    timed("load", [&] { CheckLoad(context, report); });
  }
  run.context["duration_s"] = std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace vox::staging
