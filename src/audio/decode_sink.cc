#include "audio/decode_sink.h"

#include <algorithm>
#include <cmath>

namespace vox::audio::internal {
namespace {

constexpr const char* kField = "audio";

float Clean(float s) { return std::isfinite(s) ? std::clamp(s, -1.0f, 1.0f) : 0.0f; }

std::string Seconds(double s) { return std::to_string(static_cast<long long>(s)); }

}  // namespace

Result<DecodeSink> DecodeSink::Create(long sample_rate, int channels, const DecodeOptions& options,
                                      std::string container) {
  if (channels < 1 || channels > options.max_channels) {
    return InvalidArgument(container + " audio has " + std::to_string(channels) +
                               " channels; at most " + std::to_string(options.max_channels) +
                               " are accepted",
                           kField);
  }
  if (sample_rate < options.min_sample_rate || sample_rate > options.max_sample_rate) {
    return InvalidArgument(container + " audio sample rate " + std::to_string(sample_rate) +
                               " Hz is outside " + std::to_string(options.min_sample_rate) + ".." +
                               std::to_string(options.max_sample_rate) + " Hz",
                           kField);
  }
  DecodeSink sink;
  sink.container_ = std::move(container);
  sink.channels_ = channels;
  sink.max_seconds_ = std::max(0.0, options.max_seconds);
  sink.max_frames_ =
      static_cast<std::uint64_t>(sink.max_seconds_ * static_cast<double>(sample_rate));
  sink.out_.sample_rate = static_cast<int>(sample_rate);
  sink.out_.channels = options.mix_to_mono ? 1 : channels;
  return sink;
}

Status DecodeSink::CheckClaimedFrames(std::int64_t frames) const {
  if (frames > 0 && static_cast<std::uint64_t>(frames) > max_frames_) {
    return MakeError(ErrorCode::kResourceExhausted,
                     container_ + " audio claims " +
                         Seconds(static_cast<double>(frames) / out_.sample_rate) +
                         " s; the limit is " + Seconds(max_seconds_) + " s",
                     kField);
  }
  return {};
}

Status DecodeSink::CountFrames(std::size_t frames) {
  frames_ += frames;
  if (frames_ > max_frames_) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "audio is longer than the limit of " + Seconds(max_seconds_) + " s", kField);
  }
  return {};
}

Status DecodeSink::AddInterleaved(float* data, std::size_t frames) {
  VOX_RETURN_IF_ERROR(CountFrames(frames));
  const std::size_t count = frames * static_cast<std::size_t>(channels_);
  for (std::size_t i = 0; i < count; ++i) data[i] = Clean(data[i]);
  if (out_.channels == channels_) {
    out_.samples.insert(out_.samples.end(), data, data + count);
    return {};
  }
  for (std::size_t i = 0; i < frames; ++i) {
    float sum = 0.0f;
    for (int c = 0; c < channels_; ++c) sum += data[i * channels_ + c];
    out_.samples.push_back(sum / static_cast<float>(channels_));
  }
  return {};
}

Status DecodeSink::AddPlanar(float* const* channels, std::size_t frames) {
  VOX_RETURN_IF_ERROR(CountFrames(frames));
  const std::size_t base = out_.samples.size();
  out_.samples.resize(base + frames * static_cast<std::size_t>(out_.channels));
  float* dst = out_.samples.data() + base;
  for (std::size_t i = 0; i < frames; ++i) {
    if (out_.channels == channels_) {
      for (int c = 0; c < channels_; ++c) dst[i * channels_ + c] = Clean(channels[c][i]);
    } else {
      float sum = 0.0f;
      for (int c = 0; c < channels_; ++c) sum += Clean(channels[c][i]);
      dst[i] = sum / static_cast<float>(channels_);
    }
  }
  return {};
}

Result<PcmBuffer> DecodeSink::Finish() && {
  if (frames_ == 0) return InvalidArgument(container_ + " audio contains no samples", kField);
  out_.samples.shrink_to_fit();
  return std::move(out_);
}

}  // namespace vox::audio::internal
