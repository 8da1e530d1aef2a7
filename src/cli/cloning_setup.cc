#include "cli/cloning_setup.h"

#include "cli/component_configs.h"
#include "engines/conversion_engine.h"

namespace vox::cli {

std::unique_ptr<voice::StatsSpeakerEncoder> MakeSpeakerEncoder() {
  return std::make_unique<voice::StatsSpeakerEncoder>();
}

Result<CloningKit> MakeCloningKit(store::Store& store, blob::BlobStore& blobs,
                                  const engines::EngineRegistry& engines,
                                  const PlatformConfig& config) {
  engines::VoiceConversionEngine* converter = engines.voice_conversion_engine();
  if (converter == nullptr) {
    return Unavailable("voice cloning needs an engine with voice conversion (flite), not loaded");
  }
  CloningKit kit;
  kit.encoder = MakeSpeakerEncoder();
  if (config.clone_require_consent) {
    asr::TranscriberConfig asr_config;
    asr_config.model_dir = config.asr_model_dir;
    auto transcriber = asr::Transcriber::Create(asr_config);
    if (!transcriber) {
      return Unavailable("consent checks need the pocketsphinx model (VOX_ASR_MODEL_DIR): " +
                         transcriber.error().message);
    }
    kit.transcriber = std::move(*transcriber);
  }
  VOX_ASSIGN_OR_RETURN(ComponentConfigs components, MapSettings(config));
  kit.cloner = std::make_unique<cloning::VoiceCloner>(
      store, blobs, *converter, kit.transcriber.get(), *kit.encoder, components.cloner);
  return kit;
}

}  // namespace vox::cli
