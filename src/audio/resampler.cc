#include "audio/resampler.h"

#include <soxr.h>

#include <cmath>
#include <string>

namespace vox::audio {
namespace {

std::string CommonRatesText() {
  std::string text;
  for (int rate : kCommonSampleRates) {
    if (!text.empty()) text += ", ";
    text += std::to_string(rate);
  }
  return text;
}

}  // namespace

Status ValidateSampleRate(int rate) {
  if (rate >= kMinOutputSampleRate && rate <= kMaxOutputSampleRate) return {};
  return InvalidArgument("sample rate " + std::to_string(rate) + " Hz is not supported; use " +
                             std::to_string(kMinOutputSampleRate) + ".." +
                             std::to_string(kMaxOutputSampleRate) + " Hz, e.g. " +
                             CommonRatesText(),
                         "sample_rate");
}

void Resampler::SoxrDeleter::operator()(void* soxr) const {
  soxr_delete(static_cast<soxr_t>(soxr));
}

Resampler::Resampler(int input_rate, int output_rate, int channels, void* soxr)
    : input_rate_(input_rate), output_rate_(output_rate), channels_(channels), soxr_(soxr) {}

Result<Resampler> Resampler::Create(int input_rate, int output_rate, int channels) {
  VOX_RETURN_IF_ERROR(ValidateSampleRate(output_rate));
  if (input_rate < 1000 || input_rate > 768000) {
    return InvalidArgument(
        "input sample rate " + std::to_string(input_rate) + " Hz is outside 1000..768000",
        "sample_rate");
  }
  if (channels < 1 || channels > 8) {
    return InvalidArgument("channel count " + std::to_string(channels) + " is outside 1..8",
                           "channels");
  }
  if (input_rate == output_rate) return Resampler(input_rate, output_rate, channels, nullptr);

  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);  // our pools own the threads
  soxr_error_t error = nullptr;
  soxr_t soxr = soxr_create(input_rate, output_rate, static_cast<unsigned>(channels), &error, &io,
                            &quality, &runtime);
  if (error != nullptr || soxr == nullptr) {
    if (soxr != nullptr) soxr_delete(soxr);
    return Internal(std::string("soxr_create failed: ") + (error ? error : "unknown error"));
  }
  return Resampler(input_rate, output_rate, channels, soxr);
}

Status Resampler::Run(const float* input, std::size_t frames, std::vector<float>& out) {
  auto* soxr = static_cast<soxr_t>(soxr_.get());
  const double ratio = static_cast<double>(output_rate_) / input_rate_;
  // Bounded working space: large inputs go through in slices so a long chunk
  // never needs one huge output reservation up front.
  constexpr std::size_t kSliceFrames = 16384;
  std::size_t consumed = 0;
  do {
    const std::size_t slice = input ? std::min(kSliceFrames, frames - consumed) : 0;
    const std::size_t room = static_cast<std::size_t>(std::ceil(slice * ratio)) + 1024;
    const std::size_t base = out.size();
    out.resize(base + room * channels_);
    std::size_t in_done = 0;
    std::size_t out_done = 0;
    soxr_error_t error = soxr_process(soxr, input ? input + consumed * channels_ : nullptr, slice,
                                      &in_done, out.data() + base, room, &out_done);
    out.resize(base + out_done * channels_);
    if (error != nullptr) return Internal(std::string("soxr_process failed: ") + error);
    consumed += in_done;
    if (!input && out_done == 0) break;  // flushed dry
    if (input && in_done == 0 && out_done == 0) {
      return Internal("soxr_process made no progress");
    }
  } while (!input || consumed < frames);
  return {};
}

Status Resampler::Process(std::span<const float> input, std::vector<float>& out) {
  if (flushed_) return MakeError(ErrorCode::kFailedPrecondition, "resampler already flushed");
  if (input.size() % channels_ != 0) {
    return InvalidArgument(
        "sample count " + std::to_string(input.size()) + " is not a multiple of the channel count",
        "audio");
  }
  if (input.empty()) return {};
  if (!soxr_) {
    out.insert(out.end(), input.begin(), input.end());
    return {};
  }
  return Run(input.data(), input.size() / channels_, out);
}

Status Resampler::Flush(std::vector<float>& out) {
  if (flushed_) return {};
  flushed_ = true;
  if (!soxr_) return {};
  return Run(nullptr, 0, out);
}

Result<PcmBuffer> Resample(const PcmBuffer& pcm, int target_rate) {
  VOX_RETURN_IF_ERROR(ValidateSampleRate(target_rate));
  if (pcm.sample_rate == target_rate) return pcm;
  VOX_ASSIGN_OR_RETURN(Resampler resampler,
                       Resampler::Create(pcm.sample_rate, target_rate, pcm.channels));
  PcmBuffer out;
  out.sample_rate = target_rate;
  out.channels = pcm.channels;
  out.samples.reserve(
      static_cast<std::size_t>(
          std::ceil(static_cast<double>(pcm.frames()) * target_rate / pcm.sample_rate) + 16) *
      pcm.channels);
  VOX_RETURN_IF_ERROR(resampler.Process(pcm.samples, out.samples));
  VOX_RETURN_IF_ERROR(resampler.Flush(out.samples));
  return out;
}

}  // namespace vox::audio
