// ModelStore: the registry of engine models and their versions.
// Thread-safe; errors as in store.h (typed ErrorCodes, never a driver's text).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/types.h"

namespace vox::store {

class ModelStore {
 public:
  virtual ~ModelStore() = default;

  // --- models ----------------------------------------------------------------
  // Insert, or update tags/status/manifest of the row with the same
  // (engine, name, version), which keeps its id and created_at.
  virtual Result<Model> UpsertModel(Model model) = 0;
  // All models (of `engine` when given), by engine, name, created_at.
  virtual Result<std::vector<Model>> ListModels(const std::optional<std::string>& engine) = 0;
  // That exact version, or when `version` is nullopt the most recently
  // created active one. kNotFound when none.
  virtual Result<Model> GetModel(const std::string& engine, const std::string& name,
                                 const std::optional<std::string>& version) = 0;
};

}  // namespace vox::store
