// EnginesConfig: which engines the process loads, and where their data lives.
#pragma once

#include <string>

#include "common/status.h"

namespace vox::engines {

struct EnginesConfig {
  bool flite = true;
  bool espeak = true;
  // An espeak-ng-data directory (or its parent). Empty: libespeak-ng's default,
  // which also honours $ESPEAK_DATA_PATH.
  std::string espeak_data_dir;

  // At least one engine; espeak_data_dir, if set, must hold espeak-ng data.
  // libespeak-ng silently falls back to its default data when the given
  // directory is unusable, so this check is the only place a typo shows up.
  Status Validate() const;
  std::string ToString() const;
};

}  // namespace vox::engines
