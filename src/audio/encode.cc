#include "audio/encode.h"

#include <memory>

#include "audio/dsp.h"
#include "audio/loudness.h"
#include "audio/resampler.h"
#include "audio/sndfile_encoder.h"

namespace vox::audio {

Status ValidatePcm(const PcmBuffer& pcm) {
  if (pcm.sample_rate < 1000 || pcm.sample_rate > 768000) {
    return InvalidArgument(
        "audio sample rate " + std::to_string(pcm.sample_rate) + " Hz is outside 1000..768000",
        "audio");
  }
  if (pcm.channels < 1 || pcm.channels > 8) {
    return InvalidArgument(
        "audio has " + std::to_string(pcm.channels) + " channels; 1..8 are supported", "audio");
  }
  if (pcm.samples.size() % pcm.channels != 0) {
    return InvalidArgument("audio sample count is not a multiple of its channel count", "audio");
  }
  return {};
}

Result<std::string> Encode(const PcmBuffer& pcm, const EncodeOptions& options) {
  VOX_RETURN_IF_ERROR(ValidatePcm(pcm));
  VOX_ASSIGN_OR_RETURN(const int rate, OutputSampleRate(options, pcm.sample_rate));

  // Copy only when the samples must change; the common case encodes in place.
  const PcmBuffer* source = &pcm;
  PcmBuffer converted;
  if (rate != pcm.sample_rate) {
    VOX_ASSIGN_OR_RETURN(converted, Resample(pcm, rate));
    source = &converted;
  }
  if (options.target_lufs) {
    if (source != &converted) converted = pcm;
    VOX_RETURN_IF_ERROR(
        NormalizeLoudness(converted, *options.target_lufs, options.peak_limit_dbfs));
    source = &converted;
  }

  std::string out;
  VOX_ASSIGN_OR_RETURN(auto encoder,
                       internal::SndEncoder::ToMemory(&out, options, rate, source->channels));
  VOX_RETURN_IF_ERROR(encoder->Write(source->samples));
  VOX_RETURN_IF_ERROR(encoder->Close());
  return out;
}

}  // namespace vox::audio
