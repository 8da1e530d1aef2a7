#include "api/elevenlabs/output_format.h"

#include <array>
#include <charconv>

namespace vox::api::elevenlabs {
namespace {

struct Codec {
  std::string_view prefix;
  audio::StreamFormat format;
  const char* content_type;
  bool has_bitrate;
};

constexpr std::array kCodecs = {
    Codec{"mp3", audio::StreamFormat::kMp3, "audio/mpeg", true},
    Codec{"pcm", audio::StreamFormat::kPcm, "audio/pcm", false},
    Codec{"wav", audio::StreamFormat::kWav, "audio/wav", false},
    Codec{"ulaw", audio::StreamFormat::kUlaw, "audio/basic", false},
    Codec{"alaw", audio::StreamFormat::kAlaw, "audio/x-alaw-basic", false},
    Codec{"opus", audio::StreamFormat::kOpus, "audio/ogg", true},
};

bool Allowed(std::string_view codec, int rate, int kbps) {
  auto in = [](int v, std::initializer_list<int> set) {
    for (int x : set) {
      if (x == v) return true;
    }
    return false;
  };
  if (codec == "mp3") {
    return (rate == 22050 && kbps == 32) || (rate == 24000 && kbps == 48) ||
           (rate == 44100 && in(kbps, {32, 64, 96, 128, 192}));
  }
  if (codec == "pcm" || codec == "wav") {
    return in(rate, {8000, 16000, 22050, 24000, 32000, 44100, 48000});
  }
  if (codec == "ulaw" || codec == "alaw") return rate == 8000;
  return rate == 48000 && in(kbps, {32, 64, 96, 128, 192});  // opus
}

// "44100" -> 44100; false for anything but digits.
bool Number(std::string_view text, int& value) {
  if (text.empty() || text.size() > 6) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view value) {
  auto invalid = [&] {
    return std::unexpected(Error{ErrorCode::kInvalidArgument,
                                 "output_format '" + std::string(value).substr(0, 64) +
                                     "' is not supported; use mp3_44100_128, pcm_24000, "
                                     "wav_16000, ulaw_8000, alaw_8000, opus_48000_64, ...",
                                 "output_format"});
  };
  const size_t first = value.find('_');
  if (first == std::string_view::npos) return invalid();
  const std::string_view codec = value.substr(0, first);
  const std::string_view rest = value.substr(first + 1);
  for (const Codec& c : kCodecs) {
    if (c.prefix != codec) continue;
    int rate = 0, kbps = 0;
    if (c.has_bitrate) {
      const size_t second = rest.find('_');
      if (second == std::string_view::npos || !Number(rest.substr(0, second), rate) ||
          !Number(rest.substr(second + 1), kbps)) {
        return invalid();
      }
    } else if (!Number(rest, rate)) {
      return invalid();
    }
    if (!Allowed(codec, rate, kbps)) return invalid();
    OutputFormat out;
    out.encode.format = c.format;
    out.encode.sample_rate = rate;
    out.encode.bitrate_kbps = kbps;
    out.content_type = c.content_type;
    return out;
  }
  return invalid();
}

}  // namespace vox::api::elevenlabs
