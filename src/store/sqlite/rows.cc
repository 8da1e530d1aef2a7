#include "store/sqlite/rows.h"

namespace vox::store::sqlite {

User ReadUser(const Stmt& s) {
  User u;
  u.id = s.ColText(0);
  u.name = s.ColText(1);
  u.plan = s.ColText(2);
  u.is_admin = s.ColInt(3) != 0;
  u.created_at = s.ColInt(4);
  return u;
}

ApiKey ReadApiKey(const Stmt& s) {
  ApiKey k;
  k.id = s.ColText(0);
  k.user_id = s.ColText(1);
  k.name = s.ColText(2);
  k.prefix = s.ColText(3);
  k.key_hash = s.ColText(4);
  k.created_at = s.ColInt(5);
  k.revoked_at = s.ColOptInt(6);
  k.last_used_at = s.ColOptInt(7);
  return k;
}

Result<Voice> ReadVoice(const Stmt& s) {
  Voice v;
  v.id = s.ColText(0);
  v.user_id = s.ColOptText(1);
  v.name = s.ColText(2);
  VOX_ASSIGN_OR_RETURN(v.kind, ParseVoiceKind(s.ColText(3)));
  VOX_ASSIGN_OR_RETURN(v.status, ParseVoiceStatus(s.ColText(4)));
  v.engine = s.ColText(5);
  v.base_voice = s.ColText(6);
  v.language = s.ColText(7);
  v.gender = s.ColText(8);
  v.metadata = s.ColText(9);
  v.created_at = s.ColInt(10);
  v.updated_at = s.ColInt(11);
  v.deleted_at = s.ColOptInt(12);
  return v;
}

Result<Model> ReadModel(const Stmt& s) {
  Model m;
  m.id = s.ColText(0);
  m.engine = s.ColText(1);
  m.name = s.ColText(2);
  m.version = s.ColText(3);
  m.tags = s.ColText(4);
  VOX_ASSIGN_OR_RETURN(m.status, ParseModelStatus(s.ColText(5)));
  m.manifest = s.ColText(6);
  m.created_at = s.ColInt(7);
  return m;
}

Result<Job> ReadJob(const Stmt& s) {
  Job j;
  j.id = s.ColText(0);
  j.user_id = s.ColText(1);
  VOX_ASSIGN_OR_RETURN(j.status, ParseJobStatus(s.ColText(2)));
  j.voice_id = s.ColText(3);
  j.model_version = s.ColText(4);
  j.text = s.ColText(5);
  j.params = s.ColText(6);
  j.format = s.ColText(7);
  j.webhook_url = s.ColOptText(8);
  j.idempotency_key = s.ColOptText(9);
  j.request_hash = s.ColText(10);
  j.cache_key = s.ColText(11);
  j.cache_hit = s.ColInt(12) != 0;
  j.attempts = static_cast<int>(s.ColInt(13));
  j.max_attempts = static_cast<int>(s.ColInt(14));
  j.next_attempt_at = s.ColInt(15);
  j.lease_owner = s.ColOptText(16);
  j.lease_expires_at = s.ColOptInt(17);
  j.error_code = s.ColOptText(18);
  j.error_message = s.ColOptText(19);
  j.audio_key = s.ColOptText(20);
  j.audio_bytes = s.ColOptInt(21);
  j.duration_s = s.ColOptReal(22);
  j.created_at = s.ColInt(23);
  j.started_at = s.ColOptInt(24);
  j.finished_at = s.ColOptInt(25);
  j.updated_at = s.ColInt(26);
  j.voice_similarity = s.ColOptReal(27);
  return j;
}

Result<JobEvent> ReadJobEvent(const Stmt& s) {
  JobEvent e;
  e.id = s.ColInt(0);
  e.job_id = s.ColText(1);
  VOX_ASSIGN_OR_RETURN(e.status, ParseJobStatus(s.ColText(2)));
  e.at = s.ColInt(3);
  e.attempt = static_cast<int>(s.ColInt(4));
  e.message = s.ColText(5);
  return e;
}

CacheEntry ReadCacheEntry(const Stmt& s) {
  CacheEntry c;
  c.cache_key = s.ColText(0);
  c.audio_key = s.ColText(1);
  c.format = s.ColText(2);
  c.duration_s = s.ColReal(3);
  c.audio_bytes = s.ColInt(4);
  c.created_at = s.ColInt(5);
  c.last_hit_at = s.ColInt(6);
  c.hits = s.ColInt(7);
  return c;
}

AuditEvent ReadAuditEvent(const Stmt& s) {
  AuditEvent a;
  a.id = s.ColInt(0);
  a.at = s.ColInt(1);
  a.actor_user_id = s.ColOptText(2);
  a.actor_key_id = s.ColOptText(3);
  a.action = s.ColText(4);
  a.target_type = s.ColText(5);
  a.target_id = s.ColText(6);
  a.request_id = s.ColText(7);
  a.detail = s.ColText(8);
  return a;
}

ProtectedVoiceRecord ReadProtectedVoice(const Stmt& s) {
  ProtectedVoiceRecord v;
  v.id = s.ColText(0);
  v.name = s.ColText(1);
  v.embedding = s.ColText(2);
  v.created_by = s.ColOptText(3);
  v.created_at = s.ColInt(4);
  return v;
}

}  // namespace vox::store::sqlite
