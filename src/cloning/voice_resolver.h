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

class VoiceResolver {
 public:
  explicit VoiceResolver(store::VoiceStore& store) : store_(store) {}

  // For synthesis. A clone must be the caller's (any clone for a trusted
  // caller) and ready: deleted, rejected or still processing is
  // kUnprocessable naming "voice_id"; a damaged row is kInternal.
  Result<ResolvedVoice> ForSynthesis(const std::string& voice_id,
                                     const std::optional<Caller>& caller) const;

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

}  // namespace vox::cloning
