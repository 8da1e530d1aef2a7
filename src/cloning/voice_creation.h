// Voice creation as a worker job (DESIGN.md: voices are made on workers).
//
// The API accepts an upload by checking its fields (VoiceCloner::CheckInput),
// keeping the recordings in the blob store under uploads/<voice_id>/, and
// inserting the voice (status processing) together with its job (kind
// voice_creation) in one transaction; then it enqueues the job and answers
// 202. A worker reads the job back (LoadCreationInput), runs
// VoiceCloner::Complete, and the voice ends ready, or rejected with the
// reason (RejectVoice: the reason and the audit record stay, the recordings
// never do). Whatever way a creation job ends (done, refused, canceled, failed
// by the queue after its workers died), SettleVoiceCreation leaves its voice
// out of processing and its staged recordings deleted; SweepVoiceCreations
// finds the ones no process was there to settle.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "cloning/voice_cloner.h"
#include "store/store.h"

namespace vox::cloning {

// A recording kept in the blob store until its creation ends.
struct StagedUpload {
  std::string key;
  std::string filename;  // as the client named it (messages only)
};

// The schema of a voice creation job's params (jobs.params).
struct CreationParams {
  std::string name;
  std::vector<StagedUpload> files;
  std::optional<StagedUpload> consent_audio;
  std::string speaker_name;
  std::string description;
  std::vector<std::string> labels;
  std::string challenge_id;  // the consent challenge spent on this creation, and its words
  std::string challenge;
  Actor actor;  // who asked, for the audit log

  std::string ToJson() const;
  static Result<CreationParams> FromJson(const std::string& text);  // kInternal when malformed
};

struct AcceptedCreation {
  store::Voice voice;  // processing
  store::Job job;      // queued; the caller enqueues job.id
};

// Checks `input`, spends its consent challenge and records its consent
// recording's hash (VoiceCloner::UseChallenge), stages its recordings and
// inserts the voice and its job, `limits` counted in the insert
// (JobStore::CreateVoiceCreationJob). Errors: CheckInput's, UseChallenge's; the
// store's and the blob store's. On any error nothing of the upload remains (no
// row, no blob, the challenge unspent).
Result<AcceptedCreation> AcceptVoiceCreation(store::Store& store, blob::BlobStore& blobs,
                                             const VoiceCloner& cloner, const CloneInput& input,
                                             const Actor& actor, int max_attempts,
                                             const store::VoiceCreationLimits& limits = {});

// The creation's input read back from its staged recordings; the audio views
// point into `storage`, which must outlive the result. kFailedPrecondition
// when a recording is gone (its creation was settled meanwhile).
Result<CloneInput> LoadCreationInput(blob::BlobStore& blobs, const CreationParams& params,
                                     std::vector<std::string>& storage);

// Deletes the voice's staged recordings, then marks it rejected (if still
// processing), keeping `error` as its reason (code, field, message) and
// nothing else lost that the API recorded (name, labels, description). In
// that order: a client that sees the rejection finds no recording kept, and a
// crash in between leaves the voice processing for the sweep to finish.
Status RejectVoice(store::Store& store, blob::BlobStore& blobs, const std::string& voice_id,
                   const Error& error, int64_t at);

// Deletes the staged recordings of a voice (absent ones are fine): done by
// the worker as soon as the voice is ready, before its job ends.
Status RemoveStagedUploads(blob::BlobStore& blobs, const std::string& voice_id);

// For a job that ended: when it created a voice, a voice still processing
// becomes rejected with the job's reason, and the staged recordings are
// deleted. Idempotent; a no-op for other jobs and jobs still running.
Status SettleVoiceCreation(store::Store& store, blob::BlobStore& blobs, const store::Job& job);

// Settles up to `limit` processing voices whose creation job has ended (or
// never existed), and deletes the staged recordings of up to `limit` voices
// that are no longer processing, and consent challenges that expired unused
// a day ago; returns how many voices it settled or cleaned.
Result<int> SweepVoiceCreations(store::Store& store, blob::BlobStore& blobs, int limit);

}  // namespace vox::cloning
