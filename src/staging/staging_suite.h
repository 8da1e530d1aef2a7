// The staging suite: every check against one running Vox, one report. The run never stops
// at a failed check (each is rows in the report); it stops early only when the server
// cannot be reached or lists no voices, and says so in the report.
#pragma once

#include <string>

#include "staging/staging_config.h"
#include "staging/staging_report.h"

namespace vox::staging {

struct SuiteRun {
  Report report;
  nlohmann::json context;  // target, run id, times, configuration: the report's header
};

// `url`: the server's base URL (http or https); `key`: an API key with tts and voices
// scopes. Loads the recognizer itself (pocketsphinx, en-us); without it the ASR rows fail.
void RunStagingSuite(const std::string& url, const std::string& key, const StagingConfig& config,
                     SuiteRun& run);

}  // namespace vox::staging
