#include "audio/stream_encoder.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "audio/dsp.h"
#include "audio/format.h"

namespace vox::audio {
namespace {

struct FormatEntry {
  std::string_view name;
  StreamFormat format;
};
constexpr std::array<FormatEntry, 11> kFormats = {{{"pcm", StreamFormat::kPcm},
                                                   {"raw", StreamFormat::kPcm},
                                                   {"wav", StreamFormat::kWav},
                                                   {"mp3", StreamFormat::kMp3},
                                                   {"opus", StreamFormat::kOpus},
                                                   {"ogg", StreamFormat::kOpus},
                                                   {"flac", StreamFormat::kFlac},
                                                   {"aac", StreamFormat::kAac},
                                                   {"ulaw", StreamFormat::kUlaw},
                                                   {"mulaw", StreamFormat::kUlaw},
                                                   {"alaw", StreamFormat::kAlaw}}};

constexpr std::array<int, 9> kAacRates = {8000,  11025, 12000, 16000, 22050,
                                          24000, 32000, 44100, 48000};

void AppendLe(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// G.711 (ITU-T), from 16-bit linear samples.
uint8_t MuLaw(int16_t pcm) {
  constexpr int kBias = 0x84, kClip = 32635;
  int sign = (pcm >> 8) & 0x80;
  int s = sign ? -static_cast<int>(pcm) : pcm;
  s = std::min(s, kClip) + kBias;
  int exponent = 7;
  for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  int mantissa = (s >> (exponent + 3)) & 0x0F;
  return static_cast<uint8_t>(~(sign | (exponent << 4) | mantissa));
}

uint8_t ALaw(int16_t pcm) {
  int sign = pcm >= 0 ? 0x80 : 0;
  int s = pcm >= 0 ? pcm : -static_cast<int>(pcm) - 1;
  s = std::min(s, 32767);
  int exponent = 7;
  for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  int mantissa = exponent == 0 ? (s >> 4) & 0x0F : (s >> (exponent + 3)) & 0x0F;
  return static_cast<uint8_t>((sign | (exponent << 4) | mantissa) ^ 0x55);
}

// PCM, WAV and G.711: sample by sample, no codec state.
class SampleEncoder : public StreamEncoder {
 public:
  SampleEncoder(StreamFormat format, int rate) : StreamEncoder(rate), format_(format) {}

 protected:
  Status Encode(std::span<const float> samples, std::string& out) override {
    if (format_ == StreamFormat::kWav && !header_sent_) AppendWavHeader(out);
    header_sent_ = true;
    const bool wide = format_ == StreamFormat::kPcm || format_ == StreamFormat::kWav;
    out.reserve(out.size() + samples.size() * (wide ? 2 : 1));
    for (float f : samples) {
      const int16_t s = FloatToPcm16(f);
      if (wide) {
        AppendLe(out, static_cast<uint16_t>(s), 2);
      } else {
        out.push_back(static_cast<char>(format_ == StreamFormat::kUlaw ? MuLaw(s) : ALaw(s)));
      }
    }
    return {};
  }
  Status Flush(std::string& out) override { return Encode({}, out); }

 private:
  // A canonical 44-byte header whose lengths say "unknown": the stream's length is not
  // known when it starts, and nothing can be patched once sent.
  void AppendWavHeader(std::string& out) const {
    const uint32_t rate = static_cast<uint32_t>(output_sample_rate());
    out += "RIFF";
    AppendLe(out, 0xFFFFFFFFu, 4);
    out += "WAVEfmt ";
    AppendLe(out, 16, 4);
    AppendLe(out, 1, 2);  // PCM
    AppendLe(out, 1, 2);  // mono
    AppendLe(out, rate, 4);
    AppendLe(out, rate * 2, 4);
    AppendLe(out, 2, 2);
    AppendLe(out, 16, 2);
    out += "data";
    AppendLe(out, 0xFFFFFFFFu, 4);
  }

  StreamFormat format_;
  bool header_sent_ = false;
};

// The lowest rate of `rates` at or above `rate`, else the highest.
int RoundUpTo(std::span<const int> rates, int rate) {
  for (int r : rates) {
    if (r >= rate) return r;
  }
  return rates.back();
}

}  // namespace

Result<StreamFormat> ParseStreamFormat(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& e : kFormats) {
    if (e.name == lower) return e.format;
  }
  return InvalidArgument("unsupported format '" + std::string(text) +
                             "'; choose pcm, wav, mp3, opus, flac, aac, ulaw or alaw",
                         "format");
}

const char* StreamFormatName(StreamFormat format) {
  switch (format) {
    case StreamFormat::kPcm:
      return "pcm";
    case StreamFormat::kWav:
      return "wav";
    case StreamFormat::kMp3:
      return "mp3";
    case StreamFormat::kOpus:
      return "opus";
    case StreamFormat::kFlac:
      return "flac";
    case StreamFormat::kAac:
      return "aac";
    case StreamFormat::kUlaw:
      return "ulaw";
    case StreamFormat::kAlaw:
      return "alaw";
  }
  return "pcm";
}

std::string StreamContentType(StreamFormat format, int sample_rate) {
  switch (format) {
    case StreamFormat::kPcm:
      return "audio/L16;rate=" + std::to_string(sample_rate);
    case StreamFormat::kWav:
      return "audio/wav";
    case StreamFormat::kMp3:
      return "audio/mpeg";
    case StreamFormat::kOpus:
      return "audio/ogg";
    case StreamFormat::kFlac:
      return "audio/flac";
    case StreamFormat::kAac:
      return "audio/aac";
    case StreamFormat::kUlaw:
      return "audio/basic";
    case StreamFormat::kAlaw:
      return "audio/x-alaw-basic";
  }
  return "application/octet-stream";
}

Result<int> StreamSampleRate(const StreamEncoderOptions& options, int input_rate) {
  const int requested = options.sample_rate;
  if (options.format == StreamFormat::kUlaw || options.format == StreamFormat::kAlaw) {
    if (requested != 0 && requested != 8000) {
      return InvalidArgument("G.711 (ulaw, alaw) is 8000 Hz only", "sample_rate");
    }
    return 8000;
  }
  std::span<const int> rates;
  if (options.format == StreamFormat::kMp3) rates = CodecSampleRates(Format::kMp3);
  if (options.format == StreamFormat::kOpus) rates = CodecSampleRates(Format::kOpus);
  if (options.format == StreamFormat::kAac) rates = kAacRates;
  if (requested != 0) {
    VOX_RETURN_IF_ERROR(ValidateSampleRate(requested));
    if (!rates.empty() && std::find(rates.begin(), rates.end(), requested) == rates.end()) {
      return InvalidArgument(std::string(StreamFormatName(options.format)) + " cannot encode " +
                                 std::to_string(requested) + " Hz",
                             "sample_rate");
    }
    return requested;
  }
  const int rate = std::clamp(input_rate, 8000, 48000);
  return rates.empty() ? rate : RoundUpTo(rates, rate);
}

Result<std::unique_ptr<StreamEncoder>> StreamEncoder::Create(const StreamEncoderOptions& options,
                                                             int input_rate) {
  VOX_ASSIGN_OR_RETURN(int rate, StreamSampleRate(options, input_rate));
  std::unique_ptr<StreamEncoder> encoder;
  switch (options.format) {
    case StreamFormat::kPcm:
    case StreamFormat::kWav:
    case StreamFormat::kUlaw:
    case StreamFormat::kAlaw:
      encoder = std::make_unique<SampleEncoder>(options.format, rate);
      break;
    default: {
      VOX_ASSIGN_OR_RETURN(
          encoder, internal::OpenFfmpegStreamEncoder(options.format, rate, options.bitrate_kbps));
    }
  }
  if (rate != input_rate) {
    VOX_ASSIGN_OR_RETURN(Resampler r, Resampler::Create(input_rate, rate, 1));
    encoder->resampler_.emplace(std::move(r));
  }
  return encoder;
}

StreamEncoder::~StreamEncoder() = default;

Status StreamEncoder::Write(const PcmBuffer& pcm, std::string& out) {
  if (finished_) return MakeError(ErrorCode::kFailedPrecondition, "the stream is finished");
  if (pcm.channels != 1) return InvalidArgument("stream input must be mono", "audio");
  if (!resampler_) {
    frames_ += pcm.samples.size();
    return Encode(pcm.samples, out);
  }
  resampled_.clear();
  VOX_RETURN_IF_ERROR(resampler_->Process(pcm.samples, resampled_));
  frames_ += resampled_.size();
  return Encode(resampled_, out);
}

Status StreamEncoder::Finish(std::string& out) {
  if (finished_) return {};
  finished_ = true;
  if (resampler_) {
    resampled_.clear();
    VOX_RETURN_IF_ERROR(resampler_->Flush(resampled_));
    frames_ += resampled_.size();
    VOX_RETURN_IF_ERROR(Encode(resampled_, out));
  }
  return Flush(out);
}

}  // namespace vox::audio
