#include "audio/encode_options.h"

#include <algorithm>
#include <string>

#include "audio/loudness.h"
#include "audio/resampler.h"

namespace vox::audio {
namespace {

struct Mp3Range {
  int min_kbps, max_kbps, default_kbps;
};

// The bitrate ranges libsndfile allows per MPEG version (mpeg_l3_encode.c).
Mp3Range Mp3RangeFor(int rate) {
  if (rate >= 32000) return {32, 320, 128};  // MPEG-1
  if (rate >= 16000) return {8, 160, 64};    // MPEG-2
  return {8, 64, 32};                        // MPEG-2.5
}

std::string RatesText(std::span<const int> rates) {
  std::string text;
  for (int rate : rates) {
    if (!text.empty()) text += ", ";
    text += std::to_string(rate);
  }
  return text;
}

}  // namespace

Status EncodeOptions::Validate() const {
  if (sample_rate != 0) {
    VOX_RETURN_IF_ERROR(ValidateSampleRate(sample_rate));
    std::span<const int> rates = CodecSampleRates(format);
    if (!rates.empty() && std::find(rates.begin(), rates.end(), sample_rate) == rates.end()) {
      return InvalidArgument(std::string(FormatName(format)) + " cannot encode at " +
                                 std::to_string(sample_rate) + " Hz; choose one of " +
                                 RatesText(rates),
                             "sample_rate");
    }
  }
  if (bitrate_kbps != 0) {
    if (format != Format::kMp3 && format != Format::kOpus) {
      return InvalidArgument(
          std::string("bitrate applies only to mp3 and opus, not ") + FormatName(format),
          "bitrate");
    }
    const int lo = format == Format::kMp3 ? 8 : 6;
    const int hi = format == Format::kMp3 ? 320 : 512;
    if (bitrate_kbps < lo || bitrate_kbps > hi) {
      return InvalidArgument("bitrate " + std::to_string(bitrate_kbps) + " kbps is outside " +
                                 std::to_string(lo) + ".." + std::to_string(hi) + " for " +
                                 FormatName(format),
                             "bitrate");
    }
  }
  if (target_lufs) VOX_RETURN_IF_ERROR(ValidateLoudnessTarget(*target_lufs, peak_limit_dbfs));
  return {};
}

std::string EncodeOptions::ToString() const {
  std::string out = std::string("format=") + FormatName(format) +
                    " sample_rate=" + std::to_string(sample_rate) +
                    " bitrate_kbps=" + std::to_string(bitrate_kbps);
  if (target_lufs) {
    out += " target_lufs=" + std::to_string(*target_lufs) +
           " peak_limit_dbfs=" + std::to_string(peak_limit_dbfs);
  }
  return out;
}

Result<int> OutputSampleRate(const EncodeOptions& options, int input_rate) {
  VOX_RETURN_IF_ERROR(options.Validate());
  if (options.sample_rate != 0) return options.sample_rate;
  if (input_rate <= 0) {
    return InvalidArgument("input sample rate " + std::to_string(input_rate) + " is invalid",
                           "sample_rate");
  }
  const int clamped = std::clamp(input_rate, kMinOutputSampleRate, kMaxOutputSampleRate);
  return NearestCodecSampleRate(options.format, clamped);
}

int EffectiveBitrateKbps(const EncodeOptions& options, int rate, int channels) {
  switch (options.format) {
    case Format::kMp3: {
      const Mp3Range range = Mp3RangeFor(rate);
      const int wanted = options.bitrate_kbps != 0 ? options.bitrate_kbps : range.default_kbps;
      return std::clamp(wanted, range.min_kbps, range.max_kbps);
    }
    case Format::kOpus: {
      const int wanted = options.bitrate_kbps != 0 ? options.bitrate_kbps : 32 * channels;
      return std::clamp(wanted, 6 * channels, 256 * channels);
    }
    default:
      return 0;
  }
}

}  // namespace vox::audio
