// SqlStore: one-time consent challenges and the consent recordings already used
// (store/consent_store.h).
#include "common/clock.h"
#include "common/crypto.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {

using std::string;

namespace {

constexpr const char* kConsentChallengeColumns =
    "id, user_id, key_id, speaker_name, challenge, created_at, expires_at, used_at, voice_id";

ConsentChallenge ReadConsentChallenge(const Rows& rows, int r) {
  ConsentChallenge c;
  c.id = rows.Text(r, 0);
  c.user_id = rows.Text(r, 1);
  c.key_id = rows.OptText(r, 2);
  c.speaker_name = rows.Text(r, 3);
  c.challenge = rows.Text(r, 4);
  c.created_at = rows.Int(r, 5);
  c.expires_at = rows.Int(r, 6);
  c.used_at = rows.OptInt(r, 7);
  c.voice_id = rows.OptText(r, 8);
  return c;
}

Error NoSuchChallenge(const string& id) {
  return Error{ErrorCode::kNotFound, "no consent challenge '" + id + "' for this caller", ""};
}

// `id` as `user_id` sees it: another user's challenge does not exist.
Result<ConsentChallenge> LoadChallenge(Session& s, const string& id, const string& user_id) {
  VOX_ASSIGN_OR_RETURN(Rows rows,
                       s.Query(string("SELECT ") + kConsentChallengeColumns +
                                   " FROM consent_challenges WHERE id = ?1 AND user_id = ?2",
                               Params().Text(id).Text(user_id)));
  if (rows.empty()) return std::unexpected(NoSuchChallenge(id));
  return ReadConsentChallenge(rows, 0);
}

}  // namespace

Result<ConsentChallenge> SqlStore::CreateConsentChallenge(ConsentChallenge c) {
  if (c.user_id.empty() || c.speaker_name.empty() || c.challenge.empty()) {
    return InvalidArgument("a consent challenge needs its user, speaker name and words");
  }
  if (c.id.empty()) c.id = "chl_" + RandomToken(24);
  if (c.created_at == 0) c.created_at = NowMs();
  if (c.expires_at <= c.created_at) {
    return InvalidArgument("a consent challenge must expire after it is created");
  }
  c.used_at.reset();
  c.voice_id.reset();
  return Write([&](Session& s) -> Result<ConsentChallenge> {
    Params p;
    p.Text(c.id).Text(c.user_id).OptText(c.key_id).Text(c.speaker_name).Text(c.challenge);
    p.Int(c.created_at).Int(c.expires_at);
    auto run = s.Query(string("INSERT INTO consent_challenges (") + kConsentChallengeColumns +
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL)",
                       p);
    if (!run && run.error().code == DbErrc::kUniqueViolation) {
      return MakeError(ErrorCode::kAlreadyExists, "a consent challenge with this id exists");
    }
    if (!run && run.error().code == DbErrc::kForeignKeyViolation) {
      return InvalidArgument("no user '" + c.user_id + "' to own the consent challenge");
    }
    if (!run) return std::unexpected(run.error());
    return c;
  });
}

Result<ConsentChallenge> SqlStore::GetConsentChallenge(const string& id, const string& user_id) {
  return Read([&](Session& s) { return LoadChallenge(s, id, user_id); });
}

Result<ConsentChallenge> SqlStore::UseConsent(const ConsentUse& use) {
  if (use.challenge_id.empty() || use.user_id.empty() || use.voice_id.empty() ||
      use.recording_sha256.empty()) {
    return InvalidArgument("using a consent needs its challenge, user, voice and recording hash");
  }
  const int64_t at = use.at ? use.at : NowMs();
  return Write([&](Session& s) -> Result<ConsentChallenge> {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    // The conditional update is the claim: of two creations racing for one challenge, the
    // second finds used_at set (PostgreSQL re-checks the WHERE after the first commits).
    VOX_ASSIGN_OR_RETURN(
        Rows spent,
        s.Query("UPDATE consent_challenges SET used_at = ?1, voice_id = ?2 WHERE id = "
                "?3 AND user_id = ?4 AND used_at IS NULL AND expires_at > ?1",
                Params().Int(at).Text(use.voice_id).Text(use.challenge_id).Text(use.user_id)));
    if (spent.affected() == 0) {
      VOX_ASSIGN_OR_RETURN(ConsentChallenge c, LoadChallenge(s, use.challenge_id, use.user_id));
      if (c.used_at) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "consent challenge '" + c.id +
                             "' was already used; request a new statement and record it again");
      }
      return MakeError(
          ErrorCode::kFailedPrecondition,
          "consent challenge '" + c.id + "' expired; request a new statement and record it again");
    }
    auto recorded = s.Query(
        "INSERT INTO consent_recordings (sha256, user_id, voice_id, challenge_id, used_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        Params()
            .Text(use.recording_sha256)
            .Text(use.user_id)
            .Text(use.voice_id)
            .Text(use.challenge_id)
            .Int(at));
    if (!recorded && recorded.error().code == DbErrc::kUniqueViolation) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "this consent recording was already used for a voice; record the "
                       "statement again");
    }
    if (!recorded) return std::unexpected(recorded.error());
    VOX_ASSIGN_OR_RETURN(ConsentChallenge c, LoadChallenge(s, use.challenge_id, use.user_id));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return c;
  });
}

Status SqlStore::ReleaseConsent(const string& voice_id) {
  return Write([&](Session& s) -> Status {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    VOX_RETURN_IF_ERROR(
        s.Query("DELETE FROM consent_recordings WHERE voice_id = ?1", Params().Text(voice_id)));
    VOX_RETURN_IF_ERROR(
        s.Query("UPDATE consent_challenges SET used_at = NULL, voice_id = NULL WHERE voice_id = ?1",
                Params().Text(voice_id)));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return {};
  });
}

Result<int64_t> SqlStore::DeleteExpiredConsentChallenges(int64_t before) {
  return Write([&](Session& s) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(
        Rows rows,
        s.Query("DELETE FROM consent_challenges WHERE used_at IS NULL AND expires_at < ?1",
                Params().Int(before)));
    return rows.affected();
  });
}

}  // namespace vox::store::sql
