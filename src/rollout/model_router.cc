#include "rollout/model_router.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "rollout/canary_choice.h"

namespace vox::rollout {

std::string ModelRouter::Route(const std::string& voice_id, std::string_view key) const {
  if (voice_id.empty()) return voice_id;  // the language's default voice: built-in
  auto ref = engines_.FindVoice(voice_id);
  if (!ref || ref->voice.pinned()) return voice_id;  // unknown: Prepare says so
  const std::string name = ref->voice.id;            // aliases resolved ("slt")
  auto rows = store_.ListModels(ref->voice.engine);
  if (!rows) {
    spdlog::warn("model routing skipped for {}: {}", name, rows.error().ToString());
    return voice_id;
  }
  std::vector<store::Model> versions;
  for (store::Model& m : *rows) {
    if (m.name == name) versions.push_back(std::move(m));
  }
  const store::Model* chosen = ChooseVersion(versions, key);
  if (chosen == nullptr) return voice_id;
  // A canary this node lacks falls back to the stable version; a stable one
  // it lacks to the voice as installed.
  std::vector<const store::Model*> tries = {chosen};
  for (const store::Model& m : versions) {
    if (m.rollout == store::Rollout::kStable && &m != chosen) tries.push_back(&m);
  }
  for (const store::Model* m : tries) {
    const std::string pinned = name + "@" + m->version;
    if (engines_.FindVoice(pinned)) return pinned;
    spdlog::warn("model version {} of {} is not installed here", m->version, name);
  }
  return voice_id;
}

}  // namespace vox::rollout
