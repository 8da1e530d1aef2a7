// VoiceCloner: creating and deleting cloned voices, and the protected-voice
// list, behind both the HTTP API and `vox clone` / `vox protected`.
//
// A creation runs these steps, refusing as early as it can so a refused upload
// costs little and leaves nothing behind:
//   1. fields (name, speaker_name, labels, description) and the presence of a
//      consent recording: CheckInput, cheap, also run by the API before it
//      accepts an upload;
//   2. decode the files one at a time, straight to mono 16 kHz, under one
//      budget of decoded seconds for all of them (upload_decoder.h), and
//      preprocess (voice/preprocess.h: VAD trim, pauses, loudness; refusals);
//   3. speaker embedding; protected-voice check, normalised for pitch and
//      formant shifts (kPermissionDenied, audited);
//   4. consent: decode (its own budget: the consent preprocessing's one
//      minute), refuse Vox's own output (the watermark detector, when one is
//      set: kUnprocessable "consent_audio", audited), preprocess,
//      VerifyConsent against the statement for speaker_name ending with the
//      one-time challenge, by both the encoder's and source/1's similarity to
//      the samples (kUnprocessable "consent_audio", audited with the scores);
//   5. voice profile and conversion fit (seconds of CPU, with the ASR guard);
//      the clone synthesized at pitch 0.5 and 2.0 passes the protected check;
//   6. blobs (processed sample, consent recording), then the voice row, ready.
// A failure after step 6 began deletes the blobs written, so a refusal or an
// error never leaves an orphan blob. Nothing of a refused person's voice is
// kept but the audit event.
//
// The challenge: IssueChallenge stores one for a caller and a speaker's name
// (GET /v1/voice/consent-statement, `vox clone consent-statement`); UseChallenge
// spends it and records the consent recording's SHA-256, atomically in the
// store, when a creation is accepted (cloning/voice_creation.h; Create for the
// CLI). So a challenge makes one voice, a recording is used once across users
// and processes, and another user's challenge is not found.
//
// Two entry points run steps 1-6: Create (`vox clone`: synchronous, inserts
// the row at the end) and Complete (the worker's voice creation job: the API
// inserted the row as processing when it accepted the upload; it becomes
// ready here, or the caller marks it rejected with the error).
//
// Thread-safe. At most `max_concurrent` creations run at once in a process;
// more get kResourceExhausted (the worker hands the job back for later).
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asr/transcriber.h"
#include "blob/blob_store.h"
#include "cloning/upload_decoder.h"
#include "common/clock.h"
#include "engines/conversion_engine.h"
#include "store/store.h"
#include "voice/clone_protected_check.h"
#include "voice/consent.h"
#include "voice/conversion_fit.h"
#include "voice/preprocess.h"
#include "voice/protected_search.h"
#include "voice/protected_voices.h"
#include "voice/source_speaker_encoder.h"
#include "voice/speaker_encoder.h"
#include "watermark/watermarker.h"

namespace vox::cloning {

struct ClonerConfig {
  bool require_consent = true;  // VOX_CLONE_REQUIRE_CONSENT; off only for trusted offline use
  bool check_protected = true;  // VOX_CLONE_CHECK_PROTECTED
  // With consent: the recording must end with a one-time challenge (VOX_CONSENT_CHALLENGE;
  // off only for trusted offline use), issued for this long (VOX_CONSENT_CHALLENGE_TTL_S).
  bool require_challenge = true;
  int challenge_ttl_s = 600;
  double protected_threshold = voice::kProtectedVoiceThreshold;
  std::string platform_name = "Vox";  // named in the consent statement
  int max_concurrent = 2;             // VOX_CLONE_CONCURRENCY: creations at once per process
  size_t max_file_bytes = 50u << 20;  // VOX_MAX_UPLOAD_BYTES, per file
  voice::PreprocessOptions preprocess;
  voice::ConsentOptions consent;
  voice::ConversionFitOptions fit;
  // Enrolling a protected voice: a few seconds per recording suffice.
  double protected_min_speech_seconds = 3.0;

  Status Validate() const;  // errors name the VOX_* setting
};

// Who acts, for ownership and the audit log.
struct Actor {
  std::string user_id;
  std::optional<std::string> key_id;
  std::string request_id;
  std::string via = "api";  // "api" | "cli"
};

struct CloneInput {
  std::string name;
  std::string speaker_name;
  std::string description;
  std::vector<std::string> labels;
  std::vector<UploadedAudio> files;
  std::optional<UploadedAudio> consent_audio;
  // The one-time challenge: its id as the client sent it (required with consent when
  // config.require_challenge), and its words, filled by UseChallenge from the store.
  std::string challenge_id;
  std::string challenge;
};

// The steps of a creation, announced as each begins: the worker shows them as
// its job's stages and heartbeats between them. An error returned stops the
// creation (canceled, or the lease was lost) and is passed through.
enum class CreationStep { kDecoding, kConsent, kFitting, kStoring };
using StepCallback = std::function<Status(CreationStep)>;

class VoiceCloner {
 public:
  // `transcriber` may be null only when consent is not required.
  VoiceCloner(store::Store& store, blob::BlobStore& blobs, engines::VoiceConversionEngine& flite,
              asr::Transcriber* transcriber, voice::SpeakerEncoder& encoder, ClonerConfig config,
              const Clock& clock = Clock::System());

  // The statement `speaker_name` must read, ending with `challenge` when given
  // (field "speaker_name" when invalid).
  Result<std::string> ConsentStatement(std::string_view speaker_name,
                                       std::string_view challenge = {}) const;

  // A new challenge for `actor.user_id` and `speaker_name`, stored to expire in
  // config.challenge_ttl_s (field "speaker_name" for an invalid name).
  Result<store::ConsentChallenge> IssueChallenge(std::string_view speaker_name,
                                                 const Actor& actor) const;

  // Spends input.challenge_id on `voice_id` and records the consent
  // recording's SHA-256 (of its bytes as uploaded), atomically; fills
  // input.challenge with its words. Errors, nothing spent: kNotFound
  // ("challenge_id") for an unknown challenge or another user's;
  // kFailedPrecondition ("challenge_id") when it expired or was used;
  // kInvalidArgument ("speaker_name") when it was issued for another name;
  // kAlreadyExists ("consent_audio") when the recording was used before. A
  // no-op without consent or challenges. The caller calls
  // store.ReleaseConsent(voice_id) if it then cannot accept the creation.
  Status UseChallenge(CloneInput& input, const Actor& actor, const std::string& voice_id) const;

  // Refuse recordings that carry Vox's watermark (its own output) as consent
  // or samples. Set once, before use; null (the default) checks nothing.
  void UseWatermarkDetector(const watermark::Watermarker* detector) { watermark_ = detector; }

  // Step 1: kInvalidArgument naming the field that is missing or malformed;
  // kUnavailable when consent is required and no recognizer was loaded.
  Status CheckInput(const CloneInput& input) const;

  // Creates a ready clone owned by actor.user_id. Errors: kInvalidArgument for
  // a missing or malformed field; kUnprocessable for audio that cannot be
  // cloned ("files", "consent_audio") or a failed consent check
  // ("consent_audio"); kPermissionDenied for a protected voice ("files");
  // kUnavailable when a dependency is down.
  Result<store::Voice> Create(const CloneInput& input, const Actor& actor);

  // Runs steps 1-6 for `voice_id`, a clone whose row is processing, and makes
  // it ready. Errors as Create's, plus kResourceExhausted when max_concurrent
  // creations are running (try later), kFailedPrecondition when the row is no
  // longer processing (deleted meanwhile: the blobs written are removed), and
  // whatever `step` returned. Running it again for the same voice after a
  // crash is safe: the blob keys derive from the id.
  Result<store::Voice> Complete(const std::string& voice_id, const CloneInput& input,
                                const Actor& actor, const StepCallback& step);

  // Deletes actor's clone (any clone when `as_admin`): the row becomes
  // deleted with its embedding and profile cleared, its blobs are removed,
  // and an audit event remains. Deleting again retries the blob removal.
  // kNotFound (field "voice_id") for an unknown or foreign id;
  // kPermissionDenied for a built-in voice.
  Status Delete(const std::string& voice_id, const Actor& actor, bool as_admin);

  // Enrols a protected voice from one or more recordings (the average
  // embedding). Errors as Create's for the audio, field "files"; "name".
  Result<store::ProtectedVoiceRecord> AddProtected(const std::string& name,
                                                   const std::vector<UploadedAudio>& files,
                                                   const Actor& actor);
  Status RemoveProtected(const std::string& id, const Actor& actor);

  const ClonerConfig& config() const { return config_; }

 private:
  // The limits for `field`'s recordings: files (preprocess.max_input_seconds
  // in total) or consent_audio (the consent preprocessing's).
  UploadLimits Limits(std::string_view field) const;
  Result<std::vector<voice::ProtectedVoice>> ProtectedList();
  voice::ProtectedSearchOptions ProtectedOptions() const;
  // kPermissionDenied, audited with the match and what was `checked`.
  Status RefuseProtected(const voice::ProtectedMatch& match, const Actor& actor,
                         const std::string& checked);
  // Refuses samples that match a protected voice, pitch- and formant-normalised
  // (voice/protected_search.h).
  Status CheckProtected(const audio::PcmBuffer& samples, const Actor& actor);
  // The fitted clone at the request pitch range's ends (voice/clone_protected_check.h).
  Status CheckCloneOutput(const engines::VoiceConversion& conversion, const Actor& actor);
  // kUnprocessable (`field`) when a recording carries Vox's watermark; audited.
  Status CheckNotVoxOutput(const std::vector<audio::PcmBuffer>& decoded, std::string_view field,
                           const CloneInput& input, const Actor& actor);
  // Steps 2-6 up to the row: the voice as it will be stored (ready), its blobs
  // written. On error nothing of it remains in the blob store.
  Result<store::Voice> Build(const std::string& voice_id, const CloneInput& input,
                             const Actor& actor, const StepCallback& step);
  // Removes a built voice's blobs when its row could not be written.
  void RemoveBlobs(const std::string& voice_id);
  // Undoes UseChallenge when a creation did not run (logged when it fails).
  void ReleaseConsent(const std::string& voice_id);
  void Audit(const Actor& actor, std::string action, const std::string& target_id,
             nlohmann::json detail);

  store::Store& store_;
  blob::BlobStore& blobs_;
  engines::VoiceConversionEngine& flite_;
  asr::Transcriber* transcriber_;
  voice::SpeakerEncoder& encoder_;
  // Consent's second opinion, which voice conversion does not optimise (source/1).
  voice::SourceSpeakerEncoder source_encoder_;
  const ClonerConfig config_;
  const Clock& clock_;
  const watermark::Watermarker* watermark_ = nullptr;
  std::atomic<int> running_{0};
};

}  // namespace vox::cloning
