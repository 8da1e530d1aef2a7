// The voice-cloning machinery of one process (encoder, speech recognizer,
// cloner), shared by `vox serve`/`vox api` and `vox clone`/`vox protected`.
#pragma once

#include <memory>

#include "asr/transcriber.h"
#include "blob/blob_store.h"
#include "cli/platform_config.h"
#include "cloning/voice_cloner.h"
#include "engines/engine_registry.h"
#include "store/store.h"
#include "voice/stats_speaker_encoder.h"

namespace vox::cli {

struct CloningKit {
  std::unique_ptr<voice::StatsSpeakerEncoder> encoder;
  std::unique_ptr<asr::Transcriber> transcriber;
  std::unique_ptr<cloning::VoiceCloner> cloner;
};

// The speaker encoder alone (workers score cloned output with it).
std::unique_ptr<voice::StatsSpeakerEncoder> MakeSpeakerEncoder();

// Fails (kUnavailable) when no engine offers voice conversion (flite) or the
// ASR model is missing: the caller decides whether cloning is optional (the
// API) or the point of the command (`vox clone`).
Result<CloningKit> MakeCloningKit(store::Store& store, blob::BlobStore& blobs,
                                  const engines::EngineRegistry& engines,
                                  const PlatformConfig& config);

}  // namespace vox::cli
