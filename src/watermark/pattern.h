// The keyed pseudo-random pattern: for each tile of a cycle, a chip sign and
// what the tile carries (a sync chip or one payload bit).
//
// Derived from the key alone (HMAC-SHA256 seeds a SplitMix64), so it is the
// same in every process and build: no one without the key can read, forge or
// aim at the mark. Half the tiles carry sync (the presence of the mark); the others are dealt out
// evenly among the payload bits, scattered over the whole cycle so that a loud
// or silent stretch of audio does not take all the chips of one bit.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "watermark/layout.h"

namespace vox::watermark {

class Pattern {
 public:
  static constexpr int16_t kSync = -1;

  explicit Pattern(std::string_view key);

  // Tile `tile` (0..kTilesPerCycle-1) in band `band` (0..kBands-1).
  int8_t sign(int tile, int band) const { return sign_[tile * kBands + band]; }
  int16_t role(int tile, int band) const { return role_[tile * kBands + band]; }

 private:
  std::vector<int8_t> sign_;
  std::vector<int16_t> role_;
};

}  // namespace vox::watermark
