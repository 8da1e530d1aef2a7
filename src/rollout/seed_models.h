// The `models` table from the loaded engines: one row per voice and version.
#pragma once

#include "common/status.h"
#include "engines/engine_registry.h"
#include "store/store.h"

namespace vox::rollout {

// Upserts a row for every version of every voice the registry serves
// (EngineRegistry::ListVoiceVersions), keeping the status and rollout of rows
// that exist, and makes the version a voice's plain id speaks its stable one
// when the voice has no stable version yet. Run at start-up and before the
// CLI changes a rollout, so `vox models tag` finds freshly installed versions.
Status SeedModels(store::Store& store, const engines::EngineRegistry& engines);

}  // namespace vox::rollout
