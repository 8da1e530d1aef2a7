#include "audio/decode_sink.h"

#include <algorithm>
#include <cmath>

namespace vox::audio::internal {
namespace {

float Clean(float s) { return std::isfinite(s) ? std::clamp(s, -1.0f, 1.0f) : 0.0f; }

// Resampling overshoots near full scale (Gibbs ringing); PcmBuffer promises [-1, 1].
void ClampFrom(std::vector<float>& samples, std::size_t begin) {
  for (std::size_t i = begin; i < samples.size(); ++i) {
    samples[i] = std::clamp(samples[i], -1.0f, 1.0f);
  }
}

std::string WholeSeconds(double s) { return std::to_string(static_cast<long long>(s)); }

std::unexpected<Error> TooLong(std::string message) {
  return MakeError(ErrorCode::kResourceExhausted, std::move(message), kAudioField);
}

}  // namespace

Result<DecodeSink> DecodeSink::Create(long sample_rate, int channels, const DecodeOptions& options,
                                      std::string container) {
  if (channels < 1 || channels > options.max_channels) {
    return InvalidArgument(container + " audio has " + std::to_string(channels) +
                               " channels; at most " + std::to_string(options.max_channels) +
                               " are accepted",
                           kAudioField);
  }
  if (sample_rate < options.min_sample_rate || sample_rate > options.max_sample_rate) {
    return InvalidArgument(container + " audio sample rate " + std::to_string(sample_rate) +
                               " Hz is outside " + std::to_string(options.min_sample_rate) + ".." +
                               std::to_string(options.max_sample_rate) + " Hz",
                           kAudioField);
  }
  DecodeSink sink;
  sink.container_ = std::move(container);
  sink.rate_ = sample_rate;
  sink.channels_ = channels;
  sink.max_seconds_ = std::max(0.0, options.max_seconds);
  sink.max_frames_ =
      static_cast<std::uint64_t>(sink.max_seconds_ * static_cast<double>(sample_rate));
  sink.budget_ = options.budget;
  sink.out_.sample_rate = static_cast<int>(sample_rate);
  sink.out_.channels = options.mix_to_mono ? 1 : channels;
  if (options.output_sample_rate != 0 && options.output_sample_rate != sample_rate) {
    VOX_ASSIGN_OR_RETURN(sink.resampler_,
                         Resampler::Create(static_cast<int>(sample_rate),
                                           options.output_sample_rate, sink.out_.channels));
    sink.out_.sample_rate = options.output_sample_rate;
  }
  if (options.output_sample_rate != 0) sink.ReserveOutput();
  return sink;
}

// A growing vector peaks at three times its capacity step while it copies
// (600 s at 16 kHz: 100 MB for 38 MB of audio). When the output's size is
// bounded by the limits, reserve that bound once: pages never written are
// address space, not memory, so a short file costs what it decodes.
void DecodeSink::ReserveOutput() {
  constexpr double kMaxReservedSamples = 16u << 20;  // 64 MB
  double seconds = max_seconds_;
  if (budget_ != nullptr) {
    seconds = std::min(seconds, budget_->limit_seconds() - budget_->used_seconds());
  }
  // Resampler::Run resizes for a whole slice (<= 16384 input frames) plus
  // 1024 frames before it knows how much soxr returns: leave that room, or
  // the last block would reallocate after all.
  const double slack = 16384.0 * out_.sample_rate / static_cast<double>(rate_) + 2048;
  const double samples = (std::max(0.0, seconds) * out_.sample_rate + slack) * out_.channels;
  if (samples > kMaxReservedSamples) return;
  out_.samples.reserve(static_cast<std::size_t>(samples));
}

double DecodeSink::Seconds(std::uint64_t frames) const {
  return static_cast<double>(frames) / static_cast<double>(rate_);
}

Status DecodeSink::CheckClaimedFrames(std::int64_t frames) const {
  if (frames <= 0) return {};
  const double claimed = Seconds(static_cast<std::uint64_t>(frames));
  if (budget_ != nullptr && budget_->used_seconds() + claimed > budget_->limit_seconds()) {
    return TooLong(container_ + " audio claims " + WholeSeconds(claimed) + " s; " +
                   budget_->scope() + " may hold at most " +
                   WholeSeconds(budget_->limit_seconds()) + " s (" +
                   WholeSeconds(budget_->used_seconds()) + " s before this file)");
  }
  if (static_cast<std::uint64_t>(frames) > max_frames_) {
    return TooLong(container_ + " audio claims " + WholeSeconds(claimed) + " s; the limit is " +
                   WholeSeconds(max_seconds_) + " s");
  }
  return {};
}

// The budget is checked first: where both apply it is the one the caller set
// for the request, and the one its message should name.
Status DecodeSink::CountFrames(std::size_t frames) {
  frames_ += frames;
  if (budget_ != nullptr && budget_->used_seconds() + Seconds(frames_) > budget_->limit_seconds()) {
    return TooLong(budget_->scope() + " hold more than the limit of " +
                   WholeSeconds(budget_->limit_seconds()) + " s of audio; decoding stopped there");
  }
  if (frames_ > max_frames_) {
    return TooLong("audio is longer than the limit of " + WholeSeconds(max_seconds_) + " s");
  }
  return {};
}

Status DecodeSink::AddInterleaved(const float* data, std::size_t frames) {
  VOX_RETURN_IF_ERROR(CountFrames(frames));
  const std::size_t count = frames * static_cast<std::size_t>(channels_);
  if (out_.channels == channels_) {
    block_.resize(count);
    for (std::size_t i = 0; i < count; ++i) block_[i] = Clean(data[i]);
    return Emit();
  }
  // The same arithmetic as ToMono (a double sum), so decoding to mono equals
  // downmixing the decoded file afterwards, bit for bit.
  block_.resize(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    double sum = 0.0;
    for (int c = 0; c < channels_; ++c) sum += Clean(data[i * channels_ + c]);
    block_[i] = static_cast<float>(sum / channels_);
  }
  return Emit();
}

Status DecodeSink::AddPlanar(const float* const* channels, std::size_t frames) {
  VOX_RETURN_IF_ERROR(CountFrames(frames));
  block_.resize(frames * static_cast<std::size_t>(out_.channels));
  for (std::size_t i = 0; i < frames; ++i) {
    if (out_.channels == channels_) {
      for (int c = 0; c < channels_; ++c) block_[i * channels_ + c] = Clean(channels[c][i]);
    } else {
      double sum = 0.0;
      for (int c = 0; c < channels_; ++c) sum += Clean(channels[c][i]);
      block_[i] = static_cast<float>(sum / channels_);
    }
  }
  return Emit();
}

Status DecodeSink::Emit() {
  if (!resampler_) {
    out_.samples.insert(out_.samples.end(), block_.begin(), block_.end());
    return {};
  }
  const std::size_t base = out_.samples.size();
  VOX_RETURN_IF_ERROR(resampler_->Process(block_, out_.samples));
  ClampFrom(out_.samples, base);
  return {};
}

Result<PcmBuffer> DecodeSink::Finish() && {
  if (frames_ == 0) return InvalidArgument(container_ + " audio contains no samples", kAudioField);
  if (resampler_) {
    const std::size_t base = out_.samples.size();
    VOX_RETURN_IF_ERROR(resampler_->Flush(out_.samples));
    ClampFrom(out_.samples, base);
  }
  if (budget_ != nullptr) budget_->Take(Seconds(frames_));
  // Unused capacity is address space, not memory, but a short file should
  // not keep a long reservation; copying only pays when most of it is unused.
  if (out_.samples.size() < out_.samples.capacity() / 2) out_.samples.shrink_to_fit();
  return std::move(out_);
}

}  // namespace vox::audio::internal
