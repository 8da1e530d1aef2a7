// The store of a PlatformConfig: VOX_DATABASE_URL, with the field cipher of
// VOX_ENCRYPTION_KEY_FILE attached when one is set (voices' biometric data is sealed in the
// database as the blobs are in storage). Every command that reads or writes voices opens the
// store here, so none of them can read a sealed row without the key or write one unsealed.
#pragma once

#include <memory>

#include "cli/platform_config.h"
#include "common/status.h"
#include "store/store.h"

namespace vox::cli {

Result<std::unique_ptr<store::Store>> OpenConfiguredStore(const PlatformConfig& config);

}  // namespace vox::cli
