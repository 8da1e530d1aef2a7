#include "audio/sndfile_encoder.h"

#include <algorithm>
#include <cmath>

#include "audio/dsp.h"

namespace vox::audio::internal {
namespace {

int SndFormat(Format format, int channels) {
  switch (format) {
    case Format::kWav:
      return (channels > 2 ? SF_FORMAT_WAVEX : SF_FORMAT_WAV) | SF_FORMAT_PCM_16;
    case Format::kFlac:
      return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    case Format::kPcm:
      return SF_FORMAT_RAW | SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE;
    case Format::kMp3:
      return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    case Format::kOpus:
      return SF_FORMAT_OGG | SF_FORMAT_OPUS;
  }
  return 0;
}

// libsndfile's only bitrate knob is SFC_SET_COMPRESSION_LEVEL in [0, 1]. For
// MP3 it computes kbps = (int)(max - level * (max - min)) over the MPEG
// version's range; for Opus bps/channel = (int)((1 - level) * 250000 + 6000).
// These invert those formulas, aiming half a unit high so the truncation
// lands exactly on the wanted value.
double Mp3CompressionLevel(int kbps, int rate) {
  const double max = rate >= 32000 ? 320 : rate >= 16000 ? 160 : 64;
  const double min = rate >= 32000 ? 32 : 8;
  return std::clamp((max - kbps - 0.5) / (max - min), 0.0, 1.0);
}

double OpusCompressionLevel(int kbps, int channels) {
  const double per_channel_bps = kbps * 1000.0 / channels;
  return std::clamp(1.0 - (per_channel_bps - 6000.0 + 0.5) / 250000.0, 0.0, 1.0);
}

}  // namespace

Result<std::unique_ptr<SndEncoder>> SndEncoder::ToMemory(std::string* out,
                                                         const EncodeOptions& options, int rate,
                                                         int channels) {
  out->clear();
  std::unique_ptr<SndEncoder> encoder(new SndEncoder(options.format, channels));
  return Open(std::move(encoder), out, -1, options, rate);
}

Result<std::unique_ptr<SndEncoder>> SndEncoder::ToFd(int fd, const EncodeOptions& options, int rate,
                                                     int channels) {
  std::unique_ptr<SndEncoder> encoder(new SndEncoder(options.format, channels));
  return Open(std::move(encoder), nullptr, fd, options, rate);
}

Result<std::unique_ptr<SndEncoder>> SndEncoder::Open(std::unique_ptr<SndEncoder> encoder,
                                                     std::string* memory, int fd,
                                                     const EncodeOptions& options, int rate) {
  const int channels = encoder->channels_;
  const int max_channels = options.format == Format::kMp3 ? 2 : 8;
  if (channels < 1 || channels > max_channels) {
    return InvalidArgument(std::string(FormatName(options.format)) + " output supports 1.." +
                               std::to_string(max_channels) + " channels, not " +
                               std::to_string(channels),
                           "channels");
  }
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SndFormat(options.format, channels);
  if (!sf_format_check(&info)) {
    return InvalidArgument(std::string("libsndfile cannot encode ") + FormatName(options.format) +
                               " at " + std::to_string(rate) + " Hz with " +
                               std::to_string(channels) + " channels",
                           "sample_rate");
  }
  if (memory != nullptr) {
    encoder->memory_ = std::make_unique<MemoryWriter>(memory);
    encoder->file_.reset(
        sf_open_virtual(MemoryWriter::Callbacks(), SFM_WRITE, &info, encoder->memory_.get()));
  } else {
    encoder->file_.reset(sf_open_fd(fd, SFM_WRITE, &info, /*close_desc=*/SF_FALSE));
  }
  if (!encoder->file_) {
    return Internal(std::string("cannot start the ") + FormatName(options.format) +
                    " encoder: " + SndFileError(nullptr));
  }
  VOX_RETURN_IF_ERROR(encoder->Configure(options, rate));
  return encoder;
}

Status SndEncoder::Configure(const EncodeOptions& options, int rate) {
  SNDFILE* file = file_.get();
  if (format_ == Format::kMp3 || format_ == Format::kOpus) {
    const int kbps = EffectiveBitrateKbps(options, rate, channels_);
    double level = format_ == Format::kMp3 ? Mp3CompressionLevel(kbps, rate)
                                           : OpusCompressionLevel(kbps, channels_);
    if (sf_command(file, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level)) != SF_TRUE) {
      return Internal("cannot set the " + std::to_string(kbps) +
                      " kbps bitrate: " + SndFileError(file));
    }
    if (format_ == Format::kMp3) {
      // Constant bitrate: predictable sizes and no VBR header needed when
      // streaming. Set after the level, which this call re-applies.
      int mode = SF_BITRATE_MODE_CONSTANT;
      if (sf_command(file, SFC_SET_BITRATE_MODE, &mode, sizeof(mode)) != SF_TRUE) {
        return Internal("cannot select constant-bitrate MP3: " + SndFileError(file));
      }
    }
  }
  return {};
}

Status SndEncoder::Write(std::span<const float> interleaved) {
  if (!file_) return MakeError(ErrorCode::kFailedPrecondition, "encoder is closed");
  if (interleaved.size() % channels_ != 0) {
    return InvalidArgument("sample count is not a multiple of the channel count", "audio");
  }
  // Convert in bounded blocks so a long chunk never doubles its memory.
  constexpr std::size_t kBlockFrames = 4096;
  const std::size_t frames = interleaved.size() / channels_;
  for (std::size_t done = 0; done < frames;) {
    const std::size_t n = std::min(kBlockFrames, frames - done);
    const float* src = interleaved.data() + done * channels_;
    const std::size_t count = n * channels_;
    sf_count_t written = 0;
    if (IsLossless(format_)) {
      pcm16_.resize(count);
      for (std::size_t i = 0; i < count; ++i) pcm16_[i] = FloatToPcm16(src[i]);
      written = sf_writef_short(file_.get(), pcm16_.data(), static_cast<sf_count_t>(n));
    } else {
      clamped_.assign(src, src + count);
      ApplyGain(clamped_.data(), count, 1.0);  // clamps and zeroes non-finite samples
      written = sf_writef_float(file_.get(), clamped_.data(), static_cast<sf_count_t>(n));
    }
    if (written != static_cast<sf_count_t>(n) || sf_error(file_.get()) != SF_ERR_NO_ERROR) {
      return Internal(std::string("writing ") + FormatName(format_) +
                      " failed: " + SndFileError(file_.get()));
    }
    done += n;
    frames_written_ += n;
  }
  return {};
}

Status SndEncoder::Close() {
  if (!file_) return {};
  const int rc = sf_close(file_.release());
  if (rc != 0) {
    return Internal(std::string("finishing ") + FormatName(format_) +
                    " failed: " + sf_error_number(rc));
  }
  return {};
}

}  // namespace vox::audio::internal
