#include "watermark/embedder.h"

#include <cmath>
#include <string>

#include "watermark/layout.h"

namespace vox::watermark {

Result<std::unique_ptr<Embedder>> Embedder::Create(const Pattern& pattern, uint64_t id,
                                                   int sample_rate, int channels, float strength) {
  if (!SupportedRate(sample_rate)) {
    return InvalidArgument("watermark: sample rate " + std::to_string(sample_rate) +
                               " Hz has no whole number of samples per 20 ms",
                           "sample_rate");
  }
  if (channels < 1 || channels > 8) return InvalidArgument("watermark: 1..8 channels", "channels");
  const int hop = sample_rate / kFramesPerSecond;
  VOX_ASSIGN_OR_RETURN(auto spectrum, Spectrum::Create(2 * hop));
  return std::unique_ptr<Embedder>(
      new Embedder(pattern, id, sample_rate, channels, strength, std::move(spectrum)));
}

Embedder::Embedder(const Pattern& pattern, uint64_t id, int rate, int channels, float strength,
                   std::unique_ptr<Spectrum> spectrum)
    : pattern_(pattern),
      bits_(EncodePayload(id)),
      rate_(rate),
      hop_(rate / kFramesPerSecond),
      strength_(strength),
      spectrum_(std::move(spectrum)),
      window_(SqrtHann(2 * hop_)),
      frame_(2 * hop_),
      channels_(channels),
      skip_(hop_) {
  for (Channel& c : channels_) {
    c.pending.assign(hop_, 0.0f);  // frame 0 is centred on the first sample
    c.overlap.assign(hop_, 0.0f);
  }
}

void Embedder::RunFrames(Channel& c, int64_t first_frame) {
  const int size = 2 * hop_;
  size_t consumed = 0;
  int64_t f = first_frame;
  for (; c.pending.size() - consumed >= static_cast<size_t>(size); consumed += hop_, ++f) {
    for (int n = 0; n < size; ++n) frame_[n] = c.pending[consumed + n] * window_[n];
    spectrum_->Forward(frame_);
    auto bins = spectrum_->bins();
    const int tile = static_cast<int>((f / kFramesPerTile) % kTilesPerCycle);
    for (int b = 0; b < kBands; ++b) {
      const int role = pattern_.role(tile, b);
      const int chip = pattern_.sign(tile, b) * (role == Pattern::kSync ? 1 : bits_[role]);
      const float gain = std::exp(strength_ * static_cast<float>(chip));
      for (int k = kLowBin + b * kBinsPerBand; k < kLowBin + (b + 1) * kBinsPerBand; ++k) {
        bins[k] *= gain;
      }
    }
    spectrum_->Inverse(frame_);
    for (int n = 0; n < hop_; ++n) c.ready.push_back(c.overlap[n] + frame_[n] * window_[n]);
    for (int n = 0; n < hop_; ++n) c.overlap[n] = frame_[hop_ + n] * window_[hop_ + n];
  }
  c.pending.erase(c.pending.begin(), c.pending.begin() + static_cast<std::ptrdiff_t>(consumed));
}

void Embedder::Emit(std::vector<float>& out) {
  const int nch = channels();
  size_t ready = channels_[0].ready.size();
  size_t from = 0;
  const auto drop = static_cast<size_t>(std::min<int64_t>(skip_, static_cast<int64_t>(ready)));
  from = drop;
  skip_ -= static_cast<int64_t>(drop);
  // Never past the input: the zero padding of Finish() is not output.
  size_t upto = std::min<size_t>(ready, from + static_cast<size_t>(received_ - emitted_));
  out.reserve(out.size() + (upto - from) * nch);
  for (size_t i = from; i < upto; ++i) {
    for (int ch = 0; ch < nch; ++ch) out.push_back(channels_[ch].ready[i]);
  }
  emitted_ += static_cast<int64_t>(upto - from);
  for (Channel& c : channels_) c.ready.clear();
}

void Embedder::Process(std::span<const float> in, std::vector<float>& out) {
  const int nch = channels();
  const size_t frames = in.size() / nch;
  for (int ch = 0; ch < nch; ++ch) {
    Channel& c = channels_[ch];
    for (size_t i = 0; i < frames; ++i) c.pending.push_back(in[i * nch + ch]);
  }
  received_ += static_cast<int64_t>(frames);
  const int64_t first = frames_done_;
  for (Channel& c : channels_) RunFrames(c, first);
  frames_done_ = first + static_cast<int64_t>(channels_[0].ready.size()) / hop_;
  Emit(out);
}

void Embedder::Finish(std::vector<float>& out) {
  // Zeros past the end complete the last frames; Emit() stops at the input's length.
  for (Channel& c : channels_) c.pending.resize(c.pending.size() + 2 * hop_, 0.0f);
  const int64_t first = frames_done_;
  for (Channel& c : channels_) RunFrames(c, first);
  frames_done_ = first + static_cast<int64_t>(channels_[0].ready.size()) / hop_;
  Emit(out);
}

}  // namespace vox::watermark
