#include "audio/format.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace vox::audio {
namespace {

constexpr std::array<int, 5> kOpusRates = {8000, 12000, 16000, 24000, 48000};
constexpr std::array<int, 9> kMp3Rates = {8000,  11025, 12000, 16000, 22050,
                                          24000, 32000, 44100, 48000};

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<Format> ParseFormat(std::string_view text) {
  const std::string name = Lower(text);
  if (name == "wav") return Format::kWav;
  if (name == "mp3") return Format::kMp3;
  if (name == "opus" || name == "ogg") return Format::kOpus;
  if (name == "flac") return Format::kFlac;
  if (name == "pcm" || name == "raw") return Format::kPcm;
  return InvalidArgument("unknown audio format \"" + std::string(text) +
                             "\"; valid choices: wav, mp3, opus, flac, pcm",
                         "format");
}

const char* FormatName(Format format) {
  switch (format) {
    case Format::kWav:
      return "wav";
    case Format::kMp3:
      return "mp3";
    case Format::kOpus:
      return "opus";
    case Format::kFlac:
      return "flac";
    case Format::kPcm:
      return "pcm";
  }
  return "wav";
}

std::string ContentType(Format format, int sample_rate) {
  switch (format) {
    case Format::kWav:
      return "audio/wav";
    case Format::kMp3:
      return "audio/mpeg";
    case Format::kOpus:
      return "audio/ogg";
    case Format::kFlac:
      return "audio/flac";
    case Format::kPcm:
      return "audio/L16;rate=" + std::to_string(sample_rate);
  }
  return "application/octet-stream";
}

const char* FileExtension(Format format) {
  // Ogg/Opus files conventionally end in .opus (RFC 7845, section 9).
  return FormatName(format);
}

bool IsLossless(Format format) {
  return format == Format::kWav || format == Format::kFlac || format == Format::kPcm;
}

std::span<const int> CodecSampleRates(Format format) {
  switch (format) {
    case Format::kOpus:
      return kOpusRates;
    case Format::kMp3:
      return kMp3Rates;
    default:
      return {};
  }
}

int NearestCodecSampleRate(Format format, int rate) {
  std::span<const int> rates = CodecSampleRates(format);
  if (rates.empty()) return rate;
  // Round up to the next codec rate so the output keeps the input's bandwidth;
  // above the top rate, the top rate is the nearest.
  auto it = std::lower_bound(rates.begin(), rates.end(), rate);
  return it == rates.end() ? rates.back() : *it;
}

}  // namespace vox::audio
