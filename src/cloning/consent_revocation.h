// Consent revocation: a speaker withdraws consent for their cloned voice.
//
// Revoke, for the voice's owner or an admin (anyone else: "no such voice"):
//   1. the row becomes revoked (store::VoiceStore::RevokeVoice): from then on
//      every new job or stream in it is refused (SynthesisAllowed), and one
//      in progress stops at its next sentence (SentenceGuard);
//   2. the first revocation is audited (voice.revoke_consent: who, when, via);
//   3. its jobs that had not ended fail with the reason ("consent revoked");
//   4. everything made from the voice goes: the processed sample, the
//      consent recording and any staged upload; the audio of its jobs (which
//      is what the audio cache points at), their timestamps and marks; and
//      its cache entries. The embedding, profile, conversion and consent
//      scores went with the metadata in step 1.
// The row stays, revoked, as the record. Revoking again answers the same
// voice and redoes steps 3-4, so a revocation cut short by an outage is
// finished by retrying it. Thread-safe (stateless beyond its references).
#pragma once

#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "cache/audio_cache.h"
#include "cloning/voice_cloner.h"
#include "common/clock.h"
#include "store/store.h"

namespace vox::cloning {

struct Revocation {
  store::Voice voice;              // revoked, with only the revocation record as metadata
  bool first = true;               // false: it was revoked already
  std::vector<store::Job> failed;  // the jobs this call ended, as they ended (for webhooks)
  int purged_jobs = 0;             // jobs whose audio and cache entries were deleted
};

class ConsentRevoker {
 public:
  ConsentRevoker(store::Store& store, blob::BlobStore& blobs, cache::AudioCache& cache,
                 const Clock& clock = Clock::System())
      : store_(store), blobs_(blobs), cache_(cache), clock_(clock) {}

  // Errors: kNotFound ("voice_id") for an unknown or foreign id;
  // kPermissionDenied for a built-in voice; kFailedPrecondition for a deleted
  // one (nothing is left to revoke); the store's, blob store's and cache's
  // errors (retrying finishes the purge).
  Result<Revocation> Revoke(const std::string& voice_id, const Actor& actor, bool as_admin);

 private:
  // Steps 3-4 for the voice's jobs, page by page.
  Status PurgeJobs(const std::string& voice_id, Revocation& out);
  Status PurgeJob(const store::Job& job, Revocation& out);

  store::Store& store_;
  blob::BlobStore& blobs_;
  cache::AudioCache& cache_;
  const Clock& clock_;
};

}  // namespace vox::cloning
