// vox staging-test: the staging suite (src/staging) against a running Vox. Writes the JSON
// and Markdown reports, prints one line per failed figure, and exits 0 when every check
// passed, 1 on any failure or breached threshold, 2 on bad usage or configuration.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/errors.h"
#include "staging/staging_suite.h"

namespace vox::cli {
namespace {

struct StagingOptions {
  std::string url;
  std::string key;
  std::string config;
  std::string json_out;
  std::string markdown_out;
};

void Run(const StagingOptions& o) {
  constexpr const char* kCommand = "staging-test";
  staging::StagingConfig config;
  if (!o.config.empty()) {
    auto loaded = staging::StagingConfig::Load(o.config);
    if (!loaded) Fail(kCommand, loaded.error());
    config = std::move(*loaded);
  }
  if (!o.json_out.empty()) config.json_report = o.json_out;
  if (!o.markdown_out.empty()) config.markdown_report = o.markdown_out;
  if (!o.url.starts_with("http://") && !o.url.starts_with("https://")) {
    Fail(kCommand,
         Error{ErrorCode::kInvalidArgument, "must be an http:// or https:// URL", "--url"});
  }
  auto run = std::make_unique<staging::SuiteRun>();
  staging::RunStagingSuite(o.url, o.key, config, *run);
  ExitOnError(kCommand,
              run->report.Write(config.json_report, config.markdown_report, run->context));
  const auto failures = run->report.failures();
  for (const staging::Metric& m : failures) {
    std::fprintf(stderr, "vox staging-test: FAIL %s: %s\n", m.check.c_str(), m.Describe().c_str());
  }
  std::printf("vox staging-test: %s, %zu figures, %zu failed; reports %s and %s\n",
              failures.empty() ? "PASS" : "FAIL", run->report.metrics().size(), failures.size(),
              config.json_report.c_str(), config.markdown_report.c_str());
  std::fflush(stdout);
  if (!failures.empty()) std::exit(kExitFailure);
}

}  // namespace

void AddStagingCommand(CLI::App& app) {
  auto o = std::make_shared<StagingOptions>();
  CLI::App* cmd = app.add_subcommand(
      "staging-test",
      "Test a running Vox: every language speaks, English is understood, latency, word error "
      "rate, clone similarity, a burst of jobs (with failure hooks) against the thresholds of "
      "--config (deploy/staging/README.md). Exit 1 on any failure.");
  cmd->add_option("--url", o->url, "The server's base URL (http:// or https://)")
      ->envname("STAGING_URL")
      ->required();
  // From the environment by preference: an argument shows in the process list.
  cmd->add_option("--key", o->key, "An API key with the tts and voices scopes")
      ->envname("STAGING_KEY")
      ->required();
  cmd->add_option("--config", o->config, "Thresholds and checks (JSON); default: built-in")
      ->envname("STAGING_CONFIG");
  cmd->add_option("--json-out", o->json_out, "Default: the config's json_report");
  cmd->add_option("--markdown-out", o->markdown_out, "Default: the config's markdown_report");
  cmd->callback([o] { Run(*o); });
}

}  // namespace vox::cli
