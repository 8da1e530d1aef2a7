#include "rollout/seed_models.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

namespace vox::rollout {

Status SeedModels(store::Store& store, const engines::EngineRegistry& engines) {
  VOX_ASSIGN_OR_RETURN(auto rows, store.ListModels(std::nullopt));
  using Key = std::tuple<std::string, std::string, std::string>;  // engine, name, version
  std::map<Key, store::Model> existing;
  std::set<std::string> with_stable;
  for (store::Model& m : rows) {
    if (m.rollout == store::Rollout::kStable) with_stable.insert(m.name);
    existing[{m.engine, m.name, m.version}] = std::move(m);
  }
  std::map<std::string, std::string> defaults;  // voice -> the version its plain id speaks
  for (const engines::VoiceInfo& voice : engines.ListVoiceVersions()) {
    store::Model model;
    model.engine = voice.engine;
    model.name = voice.base_id();
    model.version = voice.Version();
    if (!voice.pinned()) defaults[model.name] = model.version;
    if (auto it = existing.find({model.engine, model.name, model.version}); it != existing.end()) {
      model.status = it->second.status;  // the rollout's, not the seed's to change
    }
    model.tags = nlohmann::json::array({"builtin", voice.language}).dump();
    model.manifest = voice.ToJson().dump();
    VOX_RETURN_IF_ERROR(store.UpsertModel(std::move(model)));
  }
  for (const auto& [name, version] : defaults) {
    if (with_stable.contains(name)) continue;
    VOX_RETURN_IF_ERROR(store.SetModelRollout(name, version, store::Rollout::kStable, 0));
  }
  return {};
}

}  // namespace vox::rollout
