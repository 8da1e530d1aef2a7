// Settings (flags and VOX_* variables, PlatformConfig) mapped onto the
// components' own configs. This file only maps: what is valid is each
// component's Validate(), which names the setting. The HTTP core knows no
// VOX_* names, so its field names are translated to the settings here.
#pragma once

#include "api/api_server.h"
#include "api/job_service.h"
#include "cli/platform_config.h"
#include "cloning/voice_cloner.h"
#include "webhook/webhook.h"
#include "worker/audio_sweeper.h"
#include "worker/job_runner.h"
#include "worker/worker_pool.h"
#include "wyoming/config.h"

namespace vox::cli {

struct ComponentConfigs {
  api::ApiServerConfig api;  // with the HTTP core's
  api::JobServiceConfig jobs;
  worker::WorkerPoolConfig pool;
  worker::JobRunnerConfig runner;  // without the speaker encoder, which is wiring
  cloning::ClonerConfig cloner;
  webhook::WebhookConfig webhook;  // without the signing secret, which is loaded at start
  wyoming::WyomingConfig wyoming;  // listen empty: no Wyoming listener
  // retention_ms 0: audio kept forever
  worker::AudioRetention retention;
};

// Every config mapped and validated; the error names the setting at fault.
Result<ComponentConfigs> MapSettings(const PlatformConfig& config);

}  // namespace vox::cli
