// OpenAI's voice names and model names mapped onto Vox.
//
// VOX_OPENAI_VOICES ("alloy=flite-slt,echo=espeak-en-us,...") overrides entries of the
// default table below; a name not in the table is taken as a Vox voice id (built-in or the
// caller's clone), so any Vox voice works through the OpenAI route too.
//
//   alloy, nova, marin -> flite-slt       (US English, female)
//   echo, ash, cedar   -> flite-rms       (US English, male)
//   fable, ballad      -> flite-awb       (Scottish English, male)
//   onyx               -> flite-kal16     (US English, male, diphone)
//   coral, shimmer     -> espeak-en-us-f  (US English, female)
//   sage               -> espeak-en-f     (British English, female)
//   verse              -> espeak-en-us    (US English, male)
//
// Models: tts-1, tts-1-hd, gpt-4o-mini-tts (and its dated snapshots) all run on the voice's
// own engine; Vox has one quality per voice. Any other model name is a 404 model_not_found.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::api::openai {

class VoiceTable {
 public:
  // The default table with `overrides` applied; errors name VOX_OPENAI_VOICES.
  static Result<VoiceTable> Create(std::string_view overrides);

  // The Vox voice id for an OpenAI voice name (case-insensitive), else `name` itself.
  std::string Resolve(std::string_view name) const;
  const std::map<std::string, std::string>& entries() const { return entries_; }

 private:
  std::map<std::string, std::string> entries_;
};

bool IsKnownModel(std::string_view model);

}  // namespace vox::api::openai
