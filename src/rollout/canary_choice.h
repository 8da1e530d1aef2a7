// Which version of a voice a job speaks: the stable one, or the canary for
// the share of jobs its weight asks for. The choice is a pure function of the
// routing key (the job id), so a job asked about twice gets one answer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace vox::rollout {

// 0..99 from `key`: FNV-1a then a 64-bit finalizer, so neighbouring keys
// (UUIDs differing in one digit) land in unrelated buckets. Stable across
// processes and builds (no std::hash).
int RoutingBucket(std::string_view key);

// Of the versions of one voice (rows of the `models` table with one name):
// the canary when it has a weight and RoutingBucket(key) < weight, else the
// stable version; nullptr when neither applies (no rollout configured).
const store::Model* ChooseVersion(const std::vector<store::Model>& versions, std::string_view key);

// "<engine>/<voice>@<version>": what jobs record as their model_version
// (engines::SynthesisPlan::model_version) for that row.
std::string ModelVersionOf(const store::Model& model);

}  // namespace vox::rollout
