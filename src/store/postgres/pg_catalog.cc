// PostgresStore: the request cache, voices, models and the audit trail.
#include <algorithm>
#include <string>

#include "common/clock.h"
#include "common/uuid.h"
#include "store/postgres/pg_rows.h"
#include "store/postgres/pg_store.h"

namespace vox::store::postgres {

using std::string;

// --- cache -------------------------------------------------------------------

Result<std::optional<CacheEntry>> PostgresStore::GetCacheEntry(const string& cache_key) {
  return WithConn([&](Connection& c) -> Result<std::optional<CacheEntry>> {
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("SELECT ") + kCacheColumns +
                                             " FROM cache_entries WHERE cache_key = $1",
                                         Params().Text(cache_key)));
    if (s.empty()) return std::optional<CacheEntry>();
    return std::optional<CacheEntry>(ReadCacheEntry(s, 0));
  });
}

Status PostgresStore::PutCacheEntry(const CacheEntry& entry) {
  if (entry.cache_key.empty()) return InvalidArgument("empty cache key", "cache_key");
  const int64_t created = entry.created_at != 0 ? entry.created_at : NowMs();
  const int64_t last_hit = entry.last_hit_at != 0 ? entry.last_hit_at : created;
  return WithConn([&](Connection& c) -> Status {
    Params p;
    p.Text(entry.cache_key).Text(entry.audio_key).Text(entry.format).Real(entry.duration_s);
    p.Int(entry.audio_bytes).Int(created).Int(last_hit).Int(entry.hits);
    VOX_RETURN_IF_ERROR(
        c.Query(string("INSERT INTO cache_entries (") + kCacheColumns +
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (cache_key) DO UPDATE "
                    "SET audio_key = excluded.audio_key, format = excluded.format, "
                    "duration_s = excluded.duration_s, audio_bytes = excluded.audio_bytes, "
                    "created_at = excluded.created_at, last_hit_at = excluded.last_hit_at",
                p));
    return {};
  });
}

Status PostgresStore::TouchCacheEntry(const string& cache_key, int64_t at) {
  return WithConn([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query("UPDATE cache_entries SET hits = hits + 1, "
                                         "last_hit_at = $1 WHERE cache_key = $2",
                                         Params().Int(at).Text(cache_key)));
    if (s.affected() == 0) return NotFound("no cache entry '" + cache_key + "'", "cache_key");
    return {};
  });
}

Status PostgresStore::DeleteCacheEntry(const string& cache_key) {
  return WithConn([&](Connection& c) -> Status {
    VOX_RETURN_IF_ERROR(
        c.Query("DELETE FROM cache_entries WHERE cache_key = $1", Params().Text(cache_key)));
    return {};
  });
}

// --- voices --------------------------------------------------------------------

Result<Voice> PostgresStore::CreateVoice(Voice v) {
  if (v.kind == VoiceKind::kBuiltin && v.user_id) {
    return InvalidArgument("a built-in voice has no owner", "user_id");
  }
  if (v.kind == VoiceKind::kClone && !v.user_id) {
    return InvalidArgument("a cloned voice needs its owner", "user_id");
  }
  if (v.id.empty()) v.id = NewUuid();
  if (v.created_at == 0) v.created_at = NowMs();
  if (v.updated_at == 0) v.updated_at = v.created_at;
  return WithConn([&](Connection& c) -> Result<Voice> {
    Params p;
    p.Text(v.id).OptText(v.user_id).Text(v.name).Text(VoiceKindName(v.kind));
    p.Text(VoiceStatusName(v.status)).Text(v.engine).Text(v.base_voice);
    p.Text(v.language).Text(v.gender).Text(v.metadata).Int(v.created_at);
    p.Int(v.updated_at).OptInt(v.deleted_at);
    VOX_RETURN_IF_ERROR(c.Query(string("INSERT INTO voices (") + kVoiceColumns +
                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                                    "$12, $13)",
                                p));
    return v;
  });
}

Result<Voice> PostgresStore::GetVoice(const string& id) {
  return WithConn([&](Connection& c) -> Result<Voice> {
    VOX_ASSIGN_OR_RETURN(Rows s,
                         c.Query(string("SELECT ") + kVoiceColumns + " FROM voices WHERE id = $1",
                                 Params().Text(id)));
    if (s.empty()) return NotFound("no voice '" + id + "'", "voice_id");
    return ReadVoice(s, 0);
  });
}

Result<std::vector<Voice>> PostgresStore::ListVoices(const std::optional<string>& user_id,
                                                     bool include_builtin) {
  return WithConn([&](Connection& c) -> Result<std::vector<Voice>> {
    // COLLATE "C": byte order, as in SQLite, whatever the database's locale.
    VOX_ASSIGN_OR_RETURN(
        Rows s, c.Query(string("SELECT ") + kVoiceColumns +
                            " FROM voices WHERE status <> 'deleted' AND "
                            "(($1::text IS NOT NULL AND user_id = $1) OR "
                            "($2::boolean AND user_id IS NULL)) "
                            "ORDER BY user_id IS NOT NULL, name COLLATE \"C\", id COLLATE \"C\"",
                        Params().OptText(user_id).Bool(include_builtin)));
    std::vector<Voice> voices;
    for (int r = 0; r < s.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(Voice v, ReadVoice(s, r));
      voices.push_back(std::move(v));
    }
    return voices;
  });
}

Result<Voice> PostgresStore::UpdateVoice(const VoiceUpdate& update) {
  if (update.status == VoiceStatus::kDeleted) {
    return InvalidArgument("a voice is deleted with DeleteVoice, not UpdateVoice", "status");
  }
  const int64_t at = update.at != 0 ? update.at : NowMs();
  std::optional<string> status;
  if (update.status) status = string(VoiceStatusName(*update.status));
  auto updated = WithConn([&](Connection& c) -> Result<Voice> {
    VOX_ASSIGN_OR_RETURN(
        Rows s, c.Query(string("UPDATE voices SET status = COALESCE($1::text, status), "
                               "metadata = COALESCE($2::text, metadata), updated_at = $3 "
                               "WHERE id = $4 AND status <> 'deleted' RETURNING ") +
                            kVoiceColumns,
                        Params().OptText(status).OptText(update.metadata).Int(at).Text(update.id)));
    if (s.empty()) return NotFound("no voice '" + update.id + "'", "voice_id");
    return ReadVoice(s, 0);
  });
  // A deleted voice stays deleted: its row exists but takes no more updates.
  if (!updated && updated.error().code == ErrorCode::kNotFound && GetVoice(update.id)) {
    return MakeError(ErrorCode::kFailedPrecondition, "voice '" + update.id + "' was deleted",
                     "voice_id");
  }
  return updated;
}

Status PostgresStore::DeleteVoice(const string& id, int64_t at) {
  if (at == 0) at = NowMs();
  return WithConn([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(
        Rows s, c.Query("UPDATE voices SET status = 'deleted', metadata = '{}', "
                        "updated_at = CASE WHEN deleted_at IS NULL THEN $1 ELSE updated_at END, "
                        "deleted_at = COALESCE(deleted_at, $1) WHERE id = $2",
                        Params().Int(at).Text(id)));
    if (s.affected() == 0) return NotFound("no voice '" + id + "'", "voice_id");
    return {};
  });
}

// --- protected voices ----------------------------------------------------------

Result<ProtectedVoiceRecord> PostgresStore::CreateProtectedVoice(ProtectedVoiceRecord v) {
  if (v.name.empty()) return InvalidArgument("a protected voice needs a name", "name");
  if (v.embedding.empty()) {
    return InvalidArgument("a protected voice needs an embedding", "embedding");
  }
  if (v.id.empty()) v.id = NewUuid();
  if (v.created_at == 0) v.created_at = NowMs();
  return WithConn([&](Connection& c) -> Result<ProtectedVoiceRecord> {
    Params p;
    p.Text(v.id).Text(v.name).Text(v.embedding).OptText(v.created_by).Int(v.created_at);
    if (auto run = c.Query(string("INSERT INTO protected_voices (") + kProtectedVoiceColumns +
                               ") VALUES ($1, $2, $3, $4, $5)",
                           p);
        !run) {
      Error err = run.error();
      if (err.code == ErrorCode::kAlreadyExists) err.field = "id";
      return std::unexpected(err);
    }
    return v;
  });
}

Result<std::vector<ProtectedVoiceRecord>> PostgresStore::ListProtectedVoices() {
  return WithConn([&](Connection& c) -> Result<std::vector<ProtectedVoiceRecord>> {
    // COLLATE "C": byte order for the id tie-break, as in SQLite.
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("SELECT ") + kProtectedVoiceColumns +
                                         " FROM protected_voices ORDER BY created_at, "
                                         "id COLLATE \"C\""));
    std::vector<ProtectedVoiceRecord> voices;
    for (int r = 0; r < s.size(); ++r) voices.push_back(ReadProtectedVoice(s, r));
    return voices;
  });
}

Status PostgresStore::DeleteProtectedVoice(const string& id) {
  return WithConn([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Rows s,
                         c.Query("DELETE FROM protected_voices WHERE id = $1", Params().Text(id)));
    if (s.affected() == 0) return NotFound("no protected voice '" + id + "'", "id");
    return {};
  });
}

// --- models --------------------------------------------------------------------

Result<Model> PostgresStore::UpsertModel(Model m) {
  if (m.engine.empty() || m.name.empty() || m.version.empty()) {
    return InvalidArgument("a model needs engine, name and version", "model");
  }
  if (m.id.empty()) m.id = NewUuid();
  if (m.created_at == 0) m.created_at = NowMs();
  return WithConn([&](Connection& c) -> Result<Model> {
    Params p;
    p.Text(m.id).Text(m.engine).Text(m.name).Text(m.version).Text(m.tags);
    p.Text(ModelStatusName(m.status)).Text(m.manifest).Int(m.created_at);
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("INSERT INTO models (") + kModelColumns +
                                             ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                                             "ON CONFLICT (engine, name, version) DO UPDATE SET "
                                             "tags = excluded.tags, status = excluded.status, "
                                             "manifest = excluded.manifest RETURNING " +
                                             kModelColumns,
                                         p));
    if (s.empty()) return Internal("model upsert returned no row");
    return ReadModel(s, 0);
  });
}

Result<std::vector<Model>> PostgresStore::ListModels(const std::optional<string>& engine) {
  return WithConn([&](Connection& c) -> Result<std::vector<Model>> {
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query(string("SELECT ") + kModelColumns +
                                             " FROM models WHERE $1::text IS NULL OR "
                                             "engine = $1 ORDER BY engine COLLATE \"C\", "
                                             "name COLLATE \"C\", created_at, "
                                             "version COLLATE \"C\"",
                                         Params().OptText(engine)));
    std::vector<Model> models;
    for (int r = 0; r < s.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(Model m, ReadModel(s, r));
      models.push_back(std::move(m));
    }
    return models;
  });
}

Result<Model> PostgresStore::GetModel(const string& engine, const string& name,
                                      const std::optional<string>& version) {
  return WithConn([&](Connection& c) -> Result<Model> {
    VOX_ASSIGN_OR_RETURN(
        Rows s, c.Query(string("SELECT ") + kModelColumns +
                            " FROM models WHERE engine = $1 AND name = $2 AND "
                            "(($3::text IS NOT NULL AND version = $3) OR ($3::text IS NULL AND "
                            "status = 'active')) ORDER BY created_at DESC, seq DESC LIMIT 1",
                        Params().Text(engine).Text(name).OptText(version)));
    if (s.empty()) {
      return NotFound("no " + (version ? "model version " + *version : string("active model")) +
                          " for " + engine + "/" + name,
                      "model");
    }
    return ReadModel(s, 0);
  });
}

// --- audit ---------------------------------------------------------------------

Result<int64_t> PostgresStore::AppendAudit(AuditEvent e) {
  if (e.action.empty()) return InvalidArgument("an audit event needs an action", "action");
  if (e.at == 0) e.at = NowMs();
  return WithConn([&](Connection& c) -> Result<int64_t> {
    Params p;
    p.Int(e.at).OptText(e.actor_user_id).OptText(e.actor_key_id).Text(e.action);
    p.Text(e.target_type).Text(e.target_id).Text(e.request_id).Text(e.detail);
    VOX_ASSIGN_OR_RETURN(Rows s, c.Query("INSERT INTO audit (at, actor_user_id, actor_key_id, "
                                         "action, target_type, target_id, request_id, detail) "
                                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                         p));
    if (s.empty()) return Internal("audit insert returned no id");
    return s.Int(0, 0);
  });
}

Result<std::vector<AuditEvent>> PostgresStore::ListAudit(const AuditQuery& q) {
  const int limit = std::clamp(q.limit, 1, 10000);
  return WithConn([&](Connection& c) -> Result<std::vector<AuditEvent>> {
    Params p;
    p.OptText(q.actor_user_id).OptText(q.action).OptText(q.target_type);
    p.OptText(q.target_id).OptInt(q.before_id).Int(limit);
    VOX_ASSIGN_OR_RETURN(
        Rows s, c.Query(string("SELECT ") + kAuditColumns +
                            " FROM audit WHERE ($1::text IS NULL OR actor_user_id = $1) AND "
                            "($2::text IS NULL OR action = $2) AND "
                            "($3::text IS NULL OR target_type = $3) AND "
                            "($4::text IS NULL OR target_id = $4) AND "
                            "($5::bigint IS NULL OR id < $5) ORDER BY id DESC LIMIT $6",
                        p));
    std::vector<AuditEvent> events;
    for (int r = 0; r < s.size(); ++r) events.push_back(ReadAuditEvent(s, r));
    return events;
  });
}

}  // namespace vox::store::postgres
