// SqlStore: voices and the protected-voice registry (the VoiceStore part).
#include <string>

#include "common/clock.h"
#include "common/uuid.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {

using std::string;

namespace {

// The columns that hold biometric data, named in each sealed value's context.
constexpr std::string_view kVoiceMetadata = "voices.metadata";
constexpr std::string_view kProtectedEmbedding = "protected_voices.embedding";

string FieldContext(std::string_view column, const string& id) { return string(column) + "/" + id; }

}  // namespace

// '{}' (a deleted voice, a built-in one) holds nothing to hide and stays readable in SQL.
string SqlStore::SealField(const string& plain, std::string_view column, const string& id) const {
  if (!cipher_ || plain == "{}") return plain;
  return cipher_->Seal(plain, FieldContext(column, id));
}

Result<string> SqlStore::OpenField(const string& stored, std::string_view column,
                                   const string& id) const {
  if (!IsSealedField(stored)) return stored;
  if (!cipher_) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     string(column) + " of '" + id +
                         "' is encrypted: set VOX_ENCRYPTION_KEY_FILE to the key file");
  }
  return cipher_->Open(stored, FieldContext(column, id));
}

Result<Voice> SqlStore::ReadOpenVoice(const Rows& rows, int r) const {
  VOX_ASSIGN_OR_RETURN(Voice v, ReadVoice(rows, r));
  VOX_ASSIGN_OR_RETURN(v.metadata, OpenField(v.metadata, kVoiceMetadata, v.id));
  return v;
}

Result<Voice> SqlStore::CreateVoice(Voice v) {
  if (v.kind == VoiceKind::kBuiltin && v.user_id) {
    return InvalidArgument("a built-in voice has no owner");
  }
  if (v.kind == VoiceKind::kClone && !v.user_id) {
    return InvalidArgument("a cloned voice needs its owner");
  }
  if (v.id.empty()) v.id = NewUuid();
  if (v.created_at == 0) v.created_at = NowMs();
  if (v.updated_at == 0) v.updated_at = v.created_at;
  return Write([&](Session& s) -> Result<Voice> {
    VOX_RETURN_IF_ERROR(InsertVoice(s, v));
    return v;
  });
}

DbStatus SqlStore::InsertVoice(Session& s, const Voice& v) const {
  Params p;
  p.Text(v.id).OptText(v.user_id).Text(v.name).Text(VoiceKindName(v.kind));
  p.Text(VoiceStatusName(v.status)).Text(v.engine).Text(v.base_voice);
  p.Text(v.language).Text(v.gender).Text(SealField(v.metadata, kVoiceMetadata, v.id));
  p.Int(v.created_at);
  p.Int(v.updated_at).OptInt(v.deleted_at);
  VOX_RETURN_IF_ERROR(s.Query(string("INSERT INTO voices (") + kVoiceColumns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                  "?12, ?13)",
                              p));
  return {};
}

Result<std::vector<Voice>> SqlStore::ListVoicesInStatus(VoiceStatus status, int limit) {
  return Read([&](Session& s) -> Result<std::vector<Voice>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kVoiceColumns +
                                                " FROM voices WHERE status = ?1 ORDER BY "
                                                "updated_at, id" +
                                                dialect().byte_order + " LIMIT ?2",
                                            Params().Text(VoiceStatusName(status)).Int(limit)));
    std::vector<Voice> voices;
    for (int r = 0; r < rows.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(Voice v, ReadOpenVoice(rows, r));
      voices.push_back(std::move(v));
    }
    return voices;
  });
}

Result<Voice> SqlStore::GetVoice(const string& id) {
  return Read([&](Session& s) -> Result<Voice> {
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(string("SELECT ") + kVoiceColumns + " FROM voices WHERE id = ?1",
                                 Params().Text(id)));
    if (rows.empty()) return NotFound("no voice '" + id + "'");
    return ReadOpenVoice(rows, 0);
  });
}

Result<std::vector<Voice>> SqlStore::ListVoices(const std::optional<string>& user_id,
                                                bool include_builtin) {
  const char* byte_order = dialect().byte_order;
  return Read([&](Session& s) -> Result<std::vector<Voice>> {
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(string("SELECT ") + kVoiceColumns +
                                     " FROM voices WHERE status <> 'deleted' AND "
                                     "((CAST(?1 AS TEXT) IS NOT NULL AND user_id = ?1) OR "
                                     "(CAST(?2 AS BOOLEAN) AND user_id IS NULL)) "
                                     "ORDER BY user_id IS NOT NULL, name" +
                                     byte_order + ", id" + byte_order,
                                 Params().OptText(user_id).Bool(include_builtin)));
    std::vector<Voice> voices;
    for (int r = 0; r < rows.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(Voice v, ReadOpenVoice(rows, r));
      voices.push_back(std::move(v));
    }
    return voices;
  });
}

Result<Voice> SqlStore::UpdateVoice(const VoiceUpdate& update) {
  if (update.status == VoiceStatus::kDeleted || update.status == VoiceStatus::kRevoked) {
    return InvalidArgument("a voice is deleted or revoked with DeleteVoice or RevokeVoice");
  }
  const int64_t at = update.at != 0 ? update.at : NowMs();
  std::optional<string> status, only_if, metadata;
  if (update.metadata) metadata = SealField(*update.metadata, kVoiceMetadata, update.id);
  if (update.status) status = string(VoiceStatusName(*update.status));
  if (update.only_if) only_if = string(VoiceStatusName(*update.only_if));
  return Write([&](Session& s) -> Result<Voice> {
    VOX_ASSIGN_OR_RETURN(
        Rows rows,
        s.Query(
            string("UPDATE voices SET status = COALESCE(CAST(?1 AS TEXT), status), "
                   "metadata = COALESCE(CAST(?2 AS TEXT), metadata), updated_at = ?3 "
                   "WHERE id = ?4 AND status NOT IN ('deleted', 'revoked') AND "
                   "(CAST(?5 AS TEXT) IS NULL OR status = ?5) RETURNING ") +
                kVoiceColumns,
            Params().OptText(status).OptText(metadata).Int(at).Text(update.id).OptText(only_if)));
    if (!rows.empty()) return ReadOpenVoice(rows, 0);
    // A deleted or revoked voice stays so: its row exists but takes no more updates.
    VOX_ASSIGN_OR_RETURN(
        Rows found, s.Query("SELECT status FROM voices WHERE id = ?1", Params().Text(update.id)));
    if (found.empty()) return NotFound("no voice '" + update.id + "'");
    return MakeError(ErrorCode::kFailedPrecondition,
                     "voice '" + update.id + "' is " + found.Text(0, 0));
  });
}

Status SqlStore::DeleteVoice(const string& id, int64_t at) {
  if (at == 0) at = NowMs();
  return Write([&](Session& s) -> Status {
    VOX_ASSIGN_OR_RETURN(
        Rows rows, s.Query("UPDATE voices SET status = 'deleted', metadata = '{}', "
                           "updated_at = CASE WHEN deleted_at IS NULL THEN ?1 ELSE updated_at END, "
                           "deleted_at = COALESCE(deleted_at, ?1) WHERE id = ?2",
                           Params().Int(at).Text(id)));
    if (rows.affected() == 0) return NotFound("no voice '" + id + "'");
    return {};
  });
}

Result<Voice> SqlStore::RevokeVoice(const string& id, const string& metadata, int64_t at) {
  if (at == 0) at = NowMs();
  return Write([&](Session& s) -> Result<Voice> {
    // A second revocation matches no row to change and returns the first one's.
    VOX_RETURN_IF_ERROR(
        s.Query("UPDATE voices SET status = 'revoked', metadata = ?1, "
                "updated_at = ?2 WHERE id = ?3 AND status NOT IN ('deleted', "
                "'revoked')",
                Params().Text(SealField(metadata, kVoiceMetadata, id)).Int(at).Text(id)));
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(string("SELECT ") + kVoiceColumns + " FROM voices WHERE id = ?1",
                                 Params().Text(id)));
    if (rows.empty()) return NotFound("no voice '" + id + "'");
    VOX_ASSIGN_OR_RETURN(Voice v, ReadOpenVoice(rows, 0));
    if (v.status == VoiceStatus::kDeleted) {
      return MakeError(ErrorCode::kFailedPrecondition, "voice '" + id + "' is deleted");
    }
    return v;
  });
}

// --- protected voices ----------------------------------------------------------

Result<ProtectedVoiceRecord> SqlStore::CreateProtectedVoice(ProtectedVoiceRecord v) {
  if (v.name.empty()) return InvalidArgument("a protected voice needs a name");
  if (v.embedding.empty()) return InvalidArgument("a protected voice needs an embedding");
  if (v.id.empty()) v.id = NewUuid();
  if (v.created_at == 0) v.created_at = NowMs();
  return Write([&](Session& s) -> Result<ProtectedVoiceRecord> {
    Params p;
    p.Text(v.id).Text(v.name).Text(SealField(v.embedding, kProtectedEmbedding, v.id));
    p.OptText(v.created_by).Int(v.created_at);
    VOX_RETURN_IF_ERROR(s.Query(string("INSERT INTO protected_voices (") + kProtectedVoiceColumns +
                                    ") VALUES (?1, ?2, ?3, ?4, ?5)",
                                p));
    return v;
  });
}

Result<std::vector<ProtectedVoiceRecord>> SqlStore::ListProtectedVoices() {
  return Read([&](Session& s) -> Result<std::vector<ProtectedVoiceRecord>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kProtectedVoiceColumns +
                                            " FROM protected_voices ORDER BY created_at, id" +
                                            dialect().byte_order));
    std::vector<ProtectedVoiceRecord> voices;
    for (int r = 0; r < rows.size(); ++r) {
      ProtectedVoiceRecord v = ReadProtectedVoice(rows, r);
      VOX_ASSIGN_OR_RETURN(v.embedding, OpenField(v.embedding, kProtectedEmbedding, v.id));
      voices.push_back(std::move(v));
    }
    return voices;
  });
}

Status SqlStore::DeleteProtectedVoice(const string& id) {
  return Write([&](Session& s) -> Status {
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query("DELETE FROM protected_voices WHERE id = ?1", Params().Text(id)));
    if (rows.affected() == 0) return NotFound("no protected voice '" + id + "'");
    return {};
  });
}

// --- rotation -------------------------------------------------------------------

Result<int64_t> SqlStore::ResealVoiceFields() {
  if (!cipher_) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "resealing voice data needs VOX_ENCRYPTION_KEY_FILE");
  }
  int64_t changed = 0;
  // Each table in pages by id; each row rewritten only if it still holds what was read
  // (compare and set), so a concurrent update is never overwritten with older data.
  struct Table {
    const char* name;
    const char* column;
    std::string_view context;
  };
  for (const Table& t : {Table{"voices", "metadata", kVoiceMetadata},
                         Table{"protected_voices", "embedding", kProtectedEmbedding}}) {
    string after;
    for (;;) {
      VOX_ASSIGN_OR_RETURN(Rows rows, Read([&](Session& s) -> Result<Rows> {
                             VOX_ASSIGN_OR_RETURN(
                                 Rows page, s.Query(string("SELECT id, ") + t.column + " FROM " +
                                                        t.name + " WHERE id > ?1 ORDER BY id" +
                                                        dialect().byte_order + " LIMIT 200",
                                                    Params().Text(after)));
                             return page;
                           }));
      if (rows.empty()) break;
      for (int r = 0; r < rows.size(); ++r) {
        const string id = rows.Text(r, 0), stored = rows.Text(r, 1);
        after = id;
        if (stored == "{}" || cipher_->SealedWithCurrentKey(stored)) continue;
        VOX_ASSIGN_OR_RETURN(string plain, OpenField(stored, t.context, id));
        const string sealed = cipher_->Seal(plain, FieldContext(t.context, id));
        VOX_ASSIGN_OR_RETURN(int64_t n, Write([&](Session& s) -> Result<int64_t> {
                               VOX_ASSIGN_OR_RETURN(
                                   Rows updated,
                                   s.Query(string("UPDATE ") + t.name + " SET " + t.column +
                                               " = ?1 WHERE id = ?2 AND " + t.column + " = ?3",
                                           Params().Text(sealed).Text(id).Text(stored)));
                               return updated.affected();
                             }));
        changed += n;
      }
    }
  }
  return changed;
}

}  // namespace vox::store::sql
