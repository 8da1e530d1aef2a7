// ModelRouter: turns the voice id a request names into the version it speaks.
//
// A voice id resolves to its stable version; a canary with weight W gets
// about W % of jobs (canary_choice.h). The answer is a pinned voice id
// ("piper-x@2", engines::VoiceInfo::pinned) that the engine registry
// resolves; the job keeps it, so a retried job stays on its version. Ids the
// caller pinned, clones and voices without a rollout pass unchanged, as do
// versions this node has not installed (the stable one is tried instead).
// Thread-safe: reads the `models` table on each call (a few rows).
#pragma once

#include <string>
#include <string_view>

#include "engines/engine_registry.h"
#include "store/model_store.h"

namespace vox::rollout {

class ModelRouter {
 public:
  ModelRouter(store::ModelStore& store, const engines::EngineRegistry& engines)
      : store_(store), engines_(engines) {}

  // The voice id a job with routing key `key` (its id) speaks. Never fails:
  // when the store cannot answer, `voice_id` itself (logged).
  std::string Route(const std::string& voice_id, std::string_view key) const;

 private:
  store::ModelStore& store_;
  const engines::EngineRegistry& engines_;
};

}  // namespace vox::rollout
