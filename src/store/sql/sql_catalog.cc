// SqlStore: the model registry and the cache of identical requests.
#include <string>

#include "common/clock.h"
#include "common/uuid.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {

using std::string;

// --- models --------------------------------------------------------------------

Result<Model> SqlStore::UpsertModel(Model m) {
  if (m.engine.empty() || m.name.empty() || m.version.empty()) {
    return InvalidArgument("a model needs engine, name and version");
  }
  if (m.id.empty()) m.id = NewUuid();
  if (m.created_at == 0) m.created_at = NowMs();
  return Write([&](Session& s) -> Result<Model> {
    Params p;
    p.Text(m.id).Text(m.engine).Text(m.name).Text(m.version).Text(m.tags);
    p.Text(ModelStatusName(m.status)).Text(m.manifest).Int(m.created_at);
    p.Text(RolloutName(m.rollout)).Int(m.canary_weight);
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("INSERT INTO models (") + kModelColumns +
                                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                                "?10) "
                                                "ON CONFLICT (engine, name, version) DO UPDATE "
                                                "SET tags = excluded.tags, status = "
                                                "excluded.status, manifest = excluded.manifest "
                                                "RETURNING " +
                                                kModelColumns,
                                            p));
    if (rows.empty()) return Internal("model upsert returned no row");
    return ReadModel(rows, 0);
  });
}

Result<std::vector<Model>> SqlStore::ListModels(const std::optional<string>& engine) {
  const string b = dialect().byte_order;
  return Read([&](Session& s) -> Result<std::vector<Model>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kModelColumns +
                                                " FROM models WHERE CAST(?1 AS TEXT) IS NULL OR "
                                                "engine = ?1 ORDER BY engine" +
                                                b + ", name" + b + ", created_at, version" + b,
                                            Params().OptText(engine)));
    std::vector<Model> models;
    for (int r = 0; r < rows.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(Model m, ReadModel(rows, r));
      models.push_back(std::move(m));
    }
    return models;
  });
}

Result<Model> SqlStore::GetModel(const string& engine, const string& name,
                                 const std::optional<string>& version) {
  const char* order = dialect().insertion_order;
  return Read([&](Session& s) -> Result<Model> {
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(string("SELECT ") + kModelColumns +
                                     " FROM models WHERE engine = ?1 AND name = ?2 AND "
                                     "((CAST(?3 AS TEXT) IS NOT NULL AND version = ?3) OR "
                                     "(CAST(?3 AS TEXT) IS NULL AND status = 'active')) "
                                     "ORDER BY created_at DESC, " +
                                     order + " DESC LIMIT 1",
                                 Params().Text(engine).Text(name).OptText(version)));
    if (rows.empty()) {
      return NotFound("no " + (version ? "model version " + *version : string("active model")) +
                      " for " + engine + "/" + name);
    }
    return ReadModel(rows, 0);
  });
}

Result<Model> SqlStore::SetModelRollout(const string& name, const string& version, Rollout rollout,
                                        int canary_weight) {
  if (canary_weight < 0 || canary_weight > 100) {
    return InvalidArgument("a canary weight is 0..100", "weight");
  }
  if (rollout != Rollout::kCanary) canary_weight = 0;
  const ModelStatus status = rollout == Rollout::kCanary    ? ModelStatus::kCanary
                             : rollout == Rollout::kRetired ? ModelStatus::kRetired
                                                            : ModelStatus::kActive;
  return Write([&](Session& s) -> Result<Model> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    VOX_ASSIGN_OR_RETURN(Rows found,
                         s.Query("SELECT id FROM models WHERE name = ?1 AND version = ?2",
                                 Params().Text(name).Text(version)));
    if (found.empty()) return NotFound("no version " + version + " of model " + name, "version");
    const string id = found.Text(0, 0);
    // What the new tag displaces goes first: the unique indexes allow one
    // stable and one canary per name at every statement's end.
    if (rollout == Rollout::kStable) {
      VOX_RETURN_IF_ERROR(
          s.Query("UPDATE models SET rollout = 'retired', status = 'retired', canary_weight = 0 "
                  "WHERE name = ?1 AND rollout = 'stable' AND id <> ?2",
                  Params().Text(name).Text(id)));
    } else if (rollout == Rollout::kCanary) {
      VOX_RETURN_IF_ERROR(
          s.Query("UPDATE models SET rollout = '', status = 'active', canary_weight = 0 "
                  "WHERE name = ?1 AND rollout = 'canary' AND id <> ?2",
                  Params().Text(name).Text(id)));
    }
    VOX_ASSIGN_OR_RETURN(
        Rows rows, s.Query(string("UPDATE models SET rollout = ?1, status = ?2, canary_weight = ?3 "
                                  "WHERE id = ?4 RETURNING ") +
                               kModelColumns,
                           Params()
                               .Text(RolloutName(rollout))
                               .Text(ModelStatusName(status))
                               .Int(canary_weight)
                               .Text(id)));
    if (rows.empty()) return Internal("model rollout update returned no row");
    VOX_ASSIGN_OR_RETURN(Model m, ReadModel(rows, 0));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return m;
  });
}

Result<ModelOutcomes> SqlStore::CountModelOutcomes(const string& model_version) {
  return Read([&](Session& s) -> Result<ModelOutcomes> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT status, COUNT(*) FROM jobs WHERE "
                                            "model_version = ?1 AND status IN ('done', 'failed') "
                                            "GROUP BY status",
                                            Params().Text(model_version)));
    ModelOutcomes out;
    for (int r = 0; r < rows.size(); ++r) {
      (rows.Text(r, 0) == "done" ? out.done : out.failed) = rows.Int(r, 1);
    }
    return out;
  });
}

// --- cache -------------------------------------------------------------------

Result<std::optional<CacheEntry>> SqlStore::GetCacheEntry(const string& cache_key) {
  return Read([&](Session& s) -> Result<std::optional<CacheEntry>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kCacheColumns +
                                                " FROM cache_entries WHERE cache_key = ?1",
                                            Params().Text(cache_key)));
    if (rows.empty()) return std::optional<CacheEntry>();
    return std::optional<CacheEntry>(ReadCacheEntry(rows, 0));
  });
}

Status SqlStore::PutCacheEntry(const CacheEntry& entry) {
  if (entry.cache_key.empty()) return InvalidArgument("empty cache key");
  const int64_t created = entry.created_at != 0 ? entry.created_at : NowMs();
  const int64_t last_hit = entry.last_hit_at != 0 ? entry.last_hit_at : created;
  return Write([&](Session& s) -> Status {
    Params p;
    p.Text(entry.cache_key).Text(entry.audio_key).Text(entry.format).Real(entry.duration_s);
    p.Int(entry.audio_bytes).Int(created).Int(last_hit).Int(entry.hits);
    VOX_RETURN_IF_ERROR(
        s.Query(string("INSERT INTO cache_entries (") + kCacheColumns +
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (cache_key) DO UPDATE "
                    "SET audio_key = excluded.audio_key, format = excluded.format, "
                    "duration_s = excluded.duration_s, audio_bytes = excluded.audio_bytes, "
                    "created_at = excluded.created_at, last_hit_at = excluded.last_hit_at",
                p));
    return {};
  });
}

Status SqlStore::TouchCacheEntry(const string& cache_key, int64_t at) {
  return Write([&](Session& s) -> Status {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("UPDATE cache_entries SET hits = hits + 1, "
                                            "last_hit_at = ?1 WHERE cache_key = ?2",
                                            Params().Int(at).Text(cache_key)));
    if (rows.affected() == 0) return NotFound("no cache entry '" + cache_key + "'");
    return {};
  });
}

Status SqlStore::DeleteCacheEntry(const string& cache_key) {
  return Write([&](Session& s) -> Status {
    VOX_RETURN_IF_ERROR(
        s.Query("DELETE FROM cache_entries WHERE cache_key = ?1", Params().Text(cache_key)));
    return {};
  });
}

}  // namespace vox::store::sql
