#include "store/sql/sql_rows.h"

namespace vox::store::sql {

User ReadUser(const Rows& s, int r) {
  User u;
  u.id = s.Text(r, 0);
  u.name = s.Text(r, 1);
  u.plan = s.Text(r, 2);
  u.is_admin = s.Int(r, 3) != 0;
  u.created_at = s.Int(r, 4);
  return u;
}

ApiKey ReadApiKey(const Rows& s, int r) {
  ApiKey k;
  k.id = s.Text(r, 0);
  k.user_id = s.Text(r, 1);
  k.name = s.Text(r, 2);
  k.prefix = s.Text(r, 3);
  k.key_hash = s.Text(r, 4);
  k.created_at = s.Int(r, 5);
  k.revoked_at = s.OptInt(r, 6);
  k.last_used_at = s.OptInt(r, 7);
  k.scopes = s.Text(r, 8);
  k.project = s.OptText(r, 9);
  return k;
}

OAuthClient ReadOAuthClient(const Rows& s, int r) {
  OAuthClient c;
  c.id = s.Text(r, 0);
  c.user_id = s.Text(r, 1);
  c.name = s.Text(r, 2);
  c.secret_hash = s.Text(r, 3);
  c.scopes = s.Text(r, 4);
  c.project = s.OptText(r, 5);
  c.created_at = s.Int(r, 6);
  c.revoked_at = s.OptInt(r, 7);
  return c;
}

Result<Voice> ReadVoice(const Rows& s, int r) {
  Voice v;
  v.id = s.Text(r, 0);
  v.user_id = s.OptText(r, 1);
  v.name = s.Text(r, 2);
  VOX_ASSIGN_OR_RETURN(v.kind, ParseVoiceKind(s.Text(r, 3)));
  VOX_ASSIGN_OR_RETURN(v.status, ParseVoiceStatus(s.Text(r, 4)));
  v.engine = s.Text(r, 5);
  v.base_voice = s.Text(r, 6);
  v.language = s.Text(r, 7);
  v.gender = s.Text(r, 8);
  v.metadata = s.Text(r, 9);
  v.created_at = s.Int(r, 10);
  v.updated_at = s.Int(r, 11);
  v.deleted_at = s.OptInt(r, 12);
  return v;
}

Result<Model> ReadModel(const Rows& s, int r) {
  Model m;
  m.id = s.Text(r, 0);
  m.engine = s.Text(r, 1);
  m.name = s.Text(r, 2);
  m.version = s.Text(r, 3);
  m.tags = s.Text(r, 4);
  VOX_ASSIGN_OR_RETURN(m.status, ParseModelStatus(s.Text(r, 5)));
  m.manifest = s.Text(r, 6);
  m.created_at = s.Int(r, 7);
  VOX_ASSIGN_OR_RETURN(m.rollout, ParseRollout(s.Text(r, 8)));
  m.canary_weight = static_cast<int>(s.Int(r, 9));
  return m;
}

Result<Job> ReadJob(const Rows& s, int r) {
  Job j;
  j.id = s.Text(r, 0);
  j.user_id = s.Text(r, 1);
  VOX_ASSIGN_OR_RETURN(j.status, ParseJobStatus(s.Text(r, 2)));
  j.voice_id = s.Text(r, 3);
  j.model_version = s.Text(r, 4);
  j.text = s.Text(r, 5);
  j.params = s.Text(r, 6);
  j.format = s.Text(r, 7);
  j.webhook_url = s.OptText(r, 8);
  j.idempotency_key = s.OptText(r, 9);
  j.request_hash = s.Text(r, 10);
  j.cache_key = s.Text(r, 11);
  j.cache_hit = s.Int(r, 12) != 0;
  j.attempts = static_cast<int>(s.Int(r, 13));
  j.max_attempts = static_cast<int>(s.Int(r, 14));
  j.next_attempt_at = s.Int(r, 15);
  j.lease_owner = s.OptText(r, 16);
  j.lease_expires_at = s.OptInt(r, 17);
  j.error_code = s.OptText(r, 18);
  j.error_message = s.OptText(r, 19);
  j.audio_key = s.OptText(r, 20);
  j.audio_bytes = s.OptInt(r, 21);
  j.duration_s = s.OptReal(r, 22);
  j.created_at = s.Int(r, 23);
  j.started_at = s.OptInt(r, 24);
  j.finished_at = s.OptInt(r, 25);
  j.updated_at = s.Int(r, 26);
  j.voice_similarity = s.OptReal(r, 27);
  VOX_ASSIGN_OR_RETURN(j.kind, ParseJobKind(s.Text(r, 28)));
  j.audio_expired_at = s.OptInt(r, 29);
  return j;
}

Result<JobEvent> ReadJobEvent(const Rows& s, int r) {
  JobEvent e;
  e.id = s.Int(r, 0);
  e.job_id = s.Text(r, 1);
  VOX_ASSIGN_OR_RETURN(e.status, ParseJobStatus(s.Text(r, 2)));
  e.at = s.Int(r, 3);
  e.attempt = static_cast<int>(s.Int(r, 4));
  e.message = s.Text(r, 5);
  return e;
}

CacheEntry ReadCacheEntry(const Rows& s, int r) {
  CacheEntry c;
  c.cache_key = s.Text(r, 0);
  c.audio_key = s.Text(r, 1);
  c.format = s.Text(r, 2);
  c.duration_s = s.Real(r, 3);
  c.audio_bytes = s.Int(r, 4);
  c.created_at = s.Int(r, 5);
  c.last_hit_at = s.Int(r, 6);
  c.hits = s.Int(r, 7);
  return c;
}

AuditEvent ReadAuditEvent(const Rows& s, int r) {
  AuditEvent a;
  a.id = s.Int(r, 0);
  a.at = s.Int(r, 1);
  a.actor_user_id = s.OptText(r, 2);
  a.actor_key_id = s.OptText(r, 3);
  a.action = s.Text(r, 4);
  a.target_type = s.Text(r, 5);
  a.target_id = s.Text(r, 6);
  a.request_id = s.Text(r, 7);
  a.detail = s.Text(r, 8);
  a.prev_hash = s.Text(r, 9);
  a.hash = s.Text(r, 10);
  return a;
}

ProtectedVoiceRecord ReadProtectedVoice(const Rows& s, int r) {
  ProtectedVoiceRecord v;
  v.id = s.Text(r, 0);
  v.name = s.Text(r, 1);
  v.embedding = s.Text(r, 2);
  v.created_by = s.OptText(r, 3);
  v.created_at = s.Int(r, 4);
  return v;
}

}  // namespace vox::store::sql
