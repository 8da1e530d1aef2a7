#include "rollout/canary_choice.h"

#include <cstdint>

namespace vox::rollout {

int RoutingBucket(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a offset basis
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  // splitmix64's finalizer: FNV's low bits alone are poorly mixed for short keys.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return static_cast<int>(h % 100);
}

const store::Model* ChooseVersion(const std::vector<store::Model>& versions, std::string_view key) {
  const store::Model* stable = nullptr;
  const store::Model* canary = nullptr;
  for (const store::Model& m : versions) {
    if (m.rollout == store::Rollout::kStable) stable = &m;
    if (m.rollout == store::Rollout::kCanary && m.canary_weight > 0) canary = &m;
  }
  if (canary != nullptr && RoutingBucket(key) < canary->canary_weight) return canary;
  return stable;
}

std::string ModelVersionOf(const store::Model& model) {
  return model.engine + "/" + model.name + "@" + model.version;
}

}  // namespace vox::rollout
