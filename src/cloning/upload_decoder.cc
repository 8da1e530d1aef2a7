#include "cloning/upload_decoder.h"

#include "audio/decode.h"
#include "voice/preprocess.h"

namespace vox::cloning {

Error AudioError(Error e, std::string_view field, std::string_view what) {
  e.message = std::string(what) + ": " + e.message;
  e.field = std::string(field);
  if (e.code != ErrorCode::kUnavailable && e.code != ErrorCode::kInternal) {
    e.code = ErrorCode::kUnprocessable;
  }
  return e;
}

Result<std::vector<audio::PcmBuffer>> DecodeUploads(std::span<const UploadedAudio> files,
                                                    std::string_view field,
                                                    const UploadLimits& limits) {
  audio::DecodeBudget budget(limits.max_seconds, "the recordings in " + std::string(field));
  audio::DecodeOptions options;
  options.max_bytes = limits.max_file_bytes;
  options.max_seconds = limits.max_seconds;
  options.max_channels = limits.max_channels;
  options.min_sample_rate = limits.min_sample_rate;
  options.max_sample_rate = limits.max_sample_rate;
  options.mix_to_mono = true;
  options.output_sample_rate = voice::PreprocessOptions::kSampleRate;
  options.budget = &budget;
  std::vector<audio::PcmBuffer> decoded;
  decoded.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto pcm = audio::Decode(files[i].bytes, options);
    if (!pcm) {
      std::string what = std::string(field) + "[" + std::to_string(i) + "]";
      if (!files[i].filename.empty()) what += " (" + files[i].filename + ")";
      return std::unexpected(AudioError(pcm.error(), field, what));
    }
    decoded.push_back(std::move(*pcm));
  }
  return decoded;
}

}  // namespace vox::cloning
