// Platform: opens every component from a PlatformConfig and runs them.
//
// `vox serve` runs the API and the workers in one process (the embedded
// default); the scale-out commands run one role each over shared services.
// Wiring only: all behaviour lives in the modules.
#pragma once

#include <memory>

#include "cli/platform_config.h"
#include "common/status.h"

namespace vox::cli {

enum class Role { kAll, kApi, kWorker };

// Runs until SIGTERM or SIGINT, then drains (API first, then workers within
// the grace period) and returns. `on_ready` is called once serving, with the
// bound port (tests start on port 0).
Status RunPlatform(const PlatformConfig& config, Role role);

// Opens the database and applies migrations (vox migrate).
Status MigrateDatabase(const PlatformConfig& config);

}  // namespace vox::cli
