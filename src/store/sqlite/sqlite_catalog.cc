// SqliteStore: the request cache, voices, models and the audit trail.
#include <algorithm>
#include <string>

#include "common/clock.h"
#include "common/uuid.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"

namespace vox::store::sqlite {

using std::string;

// --- cache -------------------------------------------------------------------

Result<std::optional<CacheEntry>> SqliteStore::GetCacheEntry(const string& cache_key) {
  return WithReader([&](Connection& c) -> Result<std::optional<CacheEntry>> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("SELECT ") + kCacheColumns +
                                           " FROM cache_entries WHERE cache_key = ?"));
    VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, cache_key).Step());
    if (!row) return std::optional<CacheEntry>();
    return std::optional<CacheEntry>(ReadCacheEntry(s));
  });
}

Status SqliteStore::PutCacheEntry(const CacheEntry& entry) {
  if (entry.cache_key.empty()) return InvalidArgument("empty cache key", "cache_key");
  const int64_t created = entry.created_at != 0 ? entry.created_at : NowMs();
  const int64_t last_hit = entry.last_hit_at != 0 ? entry.last_hit_at : created;
  return WithWriter([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(
        Stmt s, c.Prepare(string("INSERT INTO cache_entries (") + kCacheColumns +
                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cache_key) DO UPDATE "
                          "SET audio_key = excluded.audio_key, format = excluded.format, "
                          "duration_s = excluded.duration_s, audio_bytes = excluded.audio_bytes, "
                          "created_at = excluded.created_at, last_hit_at = excluded.last_hit_at"));
    s.Text(1, entry.cache_key).Text(2, entry.audio_key).Text(3, entry.format);
    s.Real(4, entry.duration_s).Int(5, entry.audio_bytes).Int(6, created).Int(7, last_hit);
    VOX_RETURN_IF_ERROR(s.Int(8, entry.hits).Run());
    return {};
  });
}

Status SqliteStore::TouchCacheEntry(const string& cache_key, int64_t at) {
  return WithWriter([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("UPDATE cache_entries SET hits = hits + 1, "
                                           "last_hit_at = ? WHERE cache_key = ?"));
    VOX_ASSIGN_OR_RETURN(int changed, s.Int(1, at).Text(2, cache_key).Run());
    if (changed == 0) return NotFound("no cache entry '" + cache_key + "'", "cache_key");
    return {};
  });
}

Status SqliteStore::DeleteCacheEntry(const string& cache_key) {
  return WithWriter([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("DELETE FROM cache_entries WHERE cache_key = ?"));
    VOX_RETURN_IF_ERROR(s.Text(1, cache_key).Run());
    return {};
  });
}

// --- voices --------------------------------------------------------------------

Result<Voice> SqliteStore::CreateVoice(Voice v) {
  if (v.kind == VoiceKind::kBuiltin && v.user_id) {
    return InvalidArgument("a built-in voice has no owner", "user_id");
  }
  if (v.kind == VoiceKind::kClone && !v.user_id) {
    return InvalidArgument("a cloned voice needs its owner", "user_id");
  }
  if (v.id.empty()) v.id = NewUuid();
  if (v.created_at == 0) v.created_at = NowMs();
  if (v.updated_at == 0) v.updated_at = v.created_at;
  return WithWriter([&](Connection& c) -> Result<Voice> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("INSERT INTO voices (") + kVoiceColumns +
                                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Text(1, v.id).OptText(2, v.user_id).Text(3, v.name).Text(4, VoiceKindName(v.kind));
    s.Text(5, VoiceStatusName(v.status)).Text(6, v.engine).Text(7, v.base_voice);
    s.Text(8, v.language).Text(9, v.gender).Text(10, v.metadata).Int(11, v.created_at);
    VOX_RETURN_IF_ERROR(s.Int(12, v.updated_at).OptInt(13, v.deleted_at).Run());
    return v;
  });
}

Result<Voice> SqliteStore::GetVoice(const string& id) {
  return WithReader([&](Connection& c) -> Result<Voice> {
    VOX_ASSIGN_OR_RETURN(
        Stmt s, c.Prepare(string("SELECT ") + kVoiceColumns + " FROM voices WHERE id = ?"));
    VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, id).Step());
    if (!row) return NotFound("no voice '" + id + "'", "voice_id");
    return ReadVoice(s);
  });
}

Result<std::vector<Voice>> SqliteStore::ListVoices(const std::optional<string>& user_id,
                                                   bool include_builtin) {
  return WithReader([&](Connection& c) -> Result<std::vector<Voice>> {
    VOX_ASSIGN_OR_RETURN(
        Stmt s, c.Prepare(string("SELECT ") + kVoiceColumns +
                          " FROM voices WHERE status != 'deleted' AND "
                          "((?1 IS NOT NULL AND user_id = ?1) OR (?2 AND user_id IS NULL)) "
                          "ORDER BY user_id IS NOT NULL, name, id"));
    s.OptText(1, user_id).Int(2, include_builtin ? 1 : 0);
    std::vector<Voice> voices;
    while (true) {
      VOX_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      VOX_ASSIGN_OR_RETURN(Voice v, ReadVoice(s));
      voices.push_back(std::move(v));
    }
    return voices;
  });
}

Result<Voice> SqliteStore::UpdateVoice(const VoiceUpdate& update) {
  if (update.status == VoiceStatus::kDeleted) {
    return InvalidArgument("a voice is deleted with DeleteVoice, not UpdateVoice", "status");
  }
  const int64_t at = update.at != 0 ? update.at : NowMs();
  std::optional<string> status;
  if (update.status) status = string(VoiceStatusName(*update.status));
  auto updated = WithWriter([&](Connection& c) -> Result<Voice> {
    VOX_ASSIGN_OR_RETURN(
        Stmt s, c.Prepare(string("UPDATE voices SET status = COALESCE(?1, status), "
                                 "metadata = COALESCE(?2, metadata), updated_at = ?3 "
                                 "WHERE id = ?4 AND status <> 'deleted' RETURNING ") +
                          kVoiceColumns));
    s.OptText(1, status).OptText(2, update.metadata).Int(3, at).Text(4, update.id);
    VOX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return NotFound("no voice '" + update.id + "'", "voice_id");
    VOX_ASSIGN_OR_RETURN(Voice v, ReadVoice(s));
    VOX_RETURN_IF_ERROR(s.Run());
    return v;
  });
  // A deleted voice stays deleted: its row exists but takes no more updates.
  if (!updated && updated.error().code == ErrorCode::kNotFound && GetVoice(update.id)) {
    return MakeError(ErrorCode::kFailedPrecondition, "voice '" + update.id + "' was deleted",
                     "voice_id");
  }
  return updated;
}

Status SqliteStore::DeleteVoice(const string& id, int64_t at) {
  if (at == 0) at = NowMs();
  return WithWriter([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(
        Stmt s, c.Prepare("UPDATE voices SET status = 'deleted', metadata = '{}', "
                          "updated_at = CASE WHEN deleted_at IS NULL THEN ?1 ELSE updated_at END, "
                          "deleted_at = COALESCE(deleted_at, ?1) WHERE id = ?2"));
    VOX_ASSIGN_OR_RETURN(int changed, s.Int(1, at).Text(2, id).Run());
    if (changed == 0) return NotFound("no voice '" + id + "'", "voice_id");
    return {};
  });
}

// --- protected voices ----------------------------------------------------------

Result<ProtectedVoiceRecord> SqliteStore::CreateProtectedVoice(ProtectedVoiceRecord v) {
  if (v.name.empty()) return InvalidArgument("a protected voice needs a name", "name");
  if (v.embedding.empty()) {
    return InvalidArgument("a protected voice needs an embedding", "embedding");
  }
  if (v.id.empty()) v.id = NewUuid();
  if (v.created_at == 0) v.created_at = NowMs();
  return WithWriter([&](Connection& c) -> Result<ProtectedVoiceRecord> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("INSERT INTO protected_voices (") +
                                           kProtectedVoiceColumns + ") VALUES (?, ?, ?, ?, ?)"));
    s.Text(1, v.id).Text(2, v.name).Text(3, v.embedding).OptText(4, v.created_by);
    if (auto run = s.Int(5, v.created_at).Run(); !run) {
      Error err = run.error();
      if (err.code == ErrorCode::kAlreadyExists) err.field = "id";
      return std::unexpected(err);
    }
    return v;
  });
}

Result<std::vector<ProtectedVoiceRecord>> SqliteStore::ListProtectedVoices() {
  return WithReader([&](Connection& c) -> Result<std::vector<ProtectedVoiceRecord>> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("SELECT ") + kProtectedVoiceColumns +
                                           " FROM protected_voices ORDER BY created_at, id"));
    std::vector<ProtectedVoiceRecord> voices;
    while (true) {
      VOX_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      voices.push_back(ReadProtectedVoice(s));
    }
    return voices;
  });
}

Status SqliteStore::DeleteProtectedVoice(const string& id) {
  return WithWriter([&](Connection& c) -> Status {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare("DELETE FROM protected_voices WHERE id = ?"));
    VOX_ASSIGN_OR_RETURN(int changed, s.Text(1, id).Run());
    if (changed == 0) return NotFound("no protected voice '" + id + "'", "id");
    return {};
  });
}

// --- models --------------------------------------------------------------------

Result<Model> SqliteStore::UpsertModel(Model m) {
  if (m.engine.empty() || m.name.empty() || m.version.empty()) {
    return InvalidArgument("a model needs engine, name and version", "model");
  }
  if (m.id.empty()) m.id = NewUuid();
  if (m.created_at == 0) m.created_at = NowMs();
  return WithWriter([&](Connection& c) -> Result<Model> {
    VOX_ASSIGN_OR_RETURN(
        Stmt s, c.Prepare(string("INSERT INTO models (") + kModelColumns +
                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (engine, name, version) "
                          "DO UPDATE SET tags = excluded.tags, status = excluded.status, "
                          "manifest = excluded.manifest RETURNING " +
                          kModelColumns));
    s.Text(1, m.id).Text(2, m.engine).Text(3, m.name).Text(4, m.version).Text(5, m.tags);
    s.Text(6, ModelStatusName(m.status)).Text(7, m.manifest).Int(8, m.created_at);
    VOX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Internal("model upsert returned no row");
    VOX_ASSIGN_OR_RETURN(Model stored, ReadModel(s));
    VOX_RETURN_IF_ERROR(s.Run());
    return stored;
  });
}

Result<std::vector<Model>> SqliteStore::ListModels(const std::optional<string>& engine) {
  return WithReader([&](Connection& c) -> Result<std::vector<Model>> {
    VOX_ASSIGN_OR_RETURN(Stmt s, c.Prepare(string("SELECT ") + kModelColumns +
                                           " FROM models WHERE ?1 IS NULL OR engine = ?1 "
                                           "ORDER BY engine, name, created_at, version"));
    s.OptText(1, engine);
    std::vector<Model> models;
    while (true) {
      VOX_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      VOX_ASSIGN_OR_RETURN(Model m, ReadModel(s));
      models.push_back(std::move(m));
    }
    return models;
  });
}

Result<Model> SqliteStore::GetModel(const string& engine, const string& name,
                                    const std::optional<string>& version) {
  return WithReader([&](Connection& c) -> Result<Model> {
    VOX_ASSIGN_OR_RETURN(Stmt s,
                         c.Prepare(string("SELECT ") + kModelColumns +
                                   " FROM models WHERE engine = ?1 AND name = ?2 AND "
                                   "((?3 IS NOT NULL AND version = ?3) OR (?3 IS NULL AND status = "
                                   "'active')) ORDER BY created_at DESC, rowid DESC LIMIT 1"));
    VOX_ASSIGN_OR_RETURN(bool row, s.Text(1, engine).Text(2, name).OptText(3, version).Step());
    if (!row) {
      return NotFound("no " + (version ? "model version " + *version : string("active model")) +
                          " for " + engine + "/" + name,
                      "model");
    }
    return ReadModel(s);
  });
}

// --- audit ---------------------------------------------------------------------

Result<int64_t> SqliteStore::AppendAudit(AuditEvent e) {
  if (e.action.empty()) return InvalidArgument("an audit event needs an action", "action");
  if (e.at == 0) e.at = NowMs();
  return WithWriter([&](Connection& c) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(Stmt s,
                         c.Prepare("INSERT INTO audit (at, actor_user_id, actor_key_id, action, "
                                   "target_type, target_id, request_id, detail) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    s.Int(1, e.at).OptText(2, e.actor_user_id).OptText(3, e.actor_key_id).Text(4, e.action);
    s.Text(5, e.target_type).Text(6, e.target_id).Text(7, e.request_id).Text(8, e.detail);
    VOX_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Internal("audit insert returned no id");
    int64_t id = s.ColInt(0);
    VOX_RETURN_IF_ERROR(s.Run());
    return id;
  });
}

Result<std::vector<AuditEvent>> SqliteStore::ListAudit(const AuditQuery& q) {
  const int limit = std::clamp(q.limit, 1, 10000);
  return WithReader([&](Connection& c) -> Result<std::vector<AuditEvent>> {
    VOX_ASSIGN_OR_RETURN(
        Stmt s, c.Prepare(string("SELECT ") + kAuditColumns +
                          " FROM audit WHERE (?1 IS NULL OR actor_user_id = ?1) AND "
                          "(?2 IS NULL OR action = ?2) AND (?3 IS NULL OR target_type = ?3) AND "
                          "(?4 IS NULL OR target_id = ?4) AND (?5 IS NULL OR id < ?5) "
                          "ORDER BY id DESC LIMIT ?6"));
    s.OptText(1, q.actor_user_id).OptText(2, q.action).OptText(3, q.target_type);
    s.OptText(4, q.target_id).OptInt(5, q.before_id).Int(6, limit);
    std::vector<AuditEvent> events;
    while (true) {
      VOX_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      events.push_back(ReadAuditEvent(s));
    }
    return events;
  });
}

}  // namespace vox::store::sqlite
