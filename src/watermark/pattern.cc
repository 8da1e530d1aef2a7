#include "watermark/pattern.h"

#include <cstring>
#include <numeric>

#include "common/crypto.h"
#include "watermark/payload.h"

namespace vox::watermark {
namespace {

struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

}  // namespace

Pattern::Pattern(std::string_view key) {
  constexpr int kTiles = kTilesPerCycle * kBands;
  const std::string seed = HmacSha256(key, "vox-watermark-pattern-v1");
  SplitMix64 rng{0};
  std::memcpy(&rng.state, seed.data(), sizeof rng.state);

  sign_.resize(kTiles);
  for (auto& s : sign_) s = (rng.Next() >> 63) ? 1 : -1;
  std::vector<int> order(kTiles);
  std::iota(order.begin(), order.end(), 0);
  for (int i = kTiles - 1; i > 0; --i) std::swap(order[i], order[rng.Next() % (i + 1)]);
  role_.resize(kTiles);
  const int sync_tiles = kTiles / 2;
  for (int i = 0; i < kTiles; ++i) {
    role_[order[i]] =
        i < sync_tiles ? kSync : static_cast<int16_t>((i - sync_tiles) % kPayloadBits);
  }
}

}  // namespace vox::watermark
