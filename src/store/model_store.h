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
  // (engine, name, version), which keeps its id, created_at and rollout
  // (only SetModelRollout moves a version through its rollout).
  virtual Result<Model> UpsertModel(Model model) = 0;
  // All models (of `engine` when given), by engine, name, created_at.
  virtual Result<std::vector<Model>> ListModels(const std::optional<std::string>& engine) = 0;
  // That exact version, or when `version` is nullopt the most recently
  // created active one. kNotFound when none.
  virtual Result<Model> GetModel(const std::string& engine, const std::string& name,
                                 const std::optional<std::string>& version) = 0;

  // --- rollout ---------------------------------------------------------------
  // Moves version `version` of voice `name` (Model::name; any engine) to
  // `rollout`, atomically with what that displaces: a new stable retires the
  // old one, a new canary returns the previous canary to kNone. Status follows
  // (canary, retired, else active). `canary_weight` (0..100) is kept for a
  // canary and forced to 0 otherwise. kNotFound when no such version;
  // kInvalidArgument for a weight out of range.
  virtual Result<Model> SetModelRollout(const std::string& name, const std::string& version,
                                        Rollout rollout, int canary_weight) = 0;
  // How the jobs recorded with `model_version` ended (done and failed ones).
  virtual Result<ModelOutcomes> CountModelOutcomes(const std::string& model_version) = 0;
};

}  // namespace vox::store
