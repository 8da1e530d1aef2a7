// VoiceResolver: what a voice id means and who may use it, in one place.
//
// - An id that is a UUID names a clone (a row in the store); any other id is a
//   voice the engines know ("flite-slt", "espeak-de"), which they check.
// - A clone is its owner's. Only the owner synthesizes with it: consent was
//   given for that owner's use, so admins do not either. The owner or an admin
//   may read and delete it. To anyone else it does not exist ("no such voice",
//   kNotFound, field "voice_id"), so ids leak nothing.
// - A trusted caller (a worker running a job the API accepted, `vox synth` on
//   its own data directory) passes no Caller.
//
// Used by the API (submit, GET/DELETE of a voice), the worker and `vox synth`.
// A clone's synthesis data is read through clone_metadata.h, its one reader.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engines/engine.h"
#include "engines/voice_conversion.h"
#include "store/voice_store.h"
#include "voice/speaker_encoder.h"

namespace vox::cloning {

struct Caller {
  std::string user_id;
  bool is_admin = false;
};

// The clone-id rule: clones have UUIDs, built-in voices have names.
bool IsCloneId(std::string_view voice_id);

struct ResolvedVoice {
  std::string id;  // as requested
  // The clone's row and what synthesis needs of it; unset for a built-in voice.
  std::optional<store::Voice> clone;
  std::shared_ptr<const engines::VoiceConversion> conversion;
  voice::Embedding embedding;  // of the clone's processed sample: the reference for similarity

  bool is_clone() const { return clone.has_value(); }
  // The voice id to hand the engines (a clone's base voice, else `id`), with
  // the clone's conversion set on `params`.
  std::string EngineVoice(engines::SynthesisParams& params) const;
};

// Why a clone in `status` may not speak (kUnprocessable naming "voice_id");
// ok when ready. A revoked voice's message starts with "consent revoked".
Status SynthesisAllowed(store::VoiceStatus status);

class VoiceResolver {
 public:
  explicit VoiceResolver(store::VoiceStore& store) : store_(store) {}

  // For synthesis. A clone must be the caller's (any clone for a trusted
  // caller) and ready: deleted, rejected or still processing is
  // kUnprocessable naming "voice_id"; a damaged row is kInternal.
  Result<ResolvedVoice> ForSynthesis(const std::string& voice_id,
                                     const std::optional<Caller>& caller) const;

  // SynthesisAllowed for the clone's status as stored now: for a job or
  // stream that resolved the voice earlier and speaks on (SentenceGuard).
  Status StillSpeaks(const std::string& clone_id) const;

  // For reading or deleting a clone, whatever its status: the row when the
  // caller owns it or is an admin; nullopt for a built-in id (or a built-in
  // row); kNotFound ("no such voice") otherwise.
  Result<std::optional<store::Voice>> ForManagement(const std::string& voice_id,
                                                    const Caller& caller) const;

 private:
  // The clone's row, or nullopt for a built-in id or row; kNotFound when absent.
  Result<std::optional<store::Voice>> CloneRow(const std::string& voice_id) const;

  store::VoiceStore& store_;
};

// Re-checks a clone as each new sentence starts, so a voice revoked (or
// deleted) while a job or stream speaks in it stops at its next sentence. A
// built-in voice is never re-checked. One store read per sentence of a clone.
class SentenceGuard {
 public:
  // `voice_id` as a job records it: a clone's id, else the engine's voice.
  SentenceGuard(store::VoiceStore& store, const std::string& voice_id)
      : store_(store), clone_id_(IsCloneId(voice_id) ? voice_id : std::string()) {}
  // Call with the index of the sentence each chunk belongs to.
  Status Check(size_t sentence);

 private:
  store::VoiceStore& store_;
  const std::string clone_id_;
  std::optional<size_t> checked_;  // the last sentence checked
};

}  // namespace vox::cloning
