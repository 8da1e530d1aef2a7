#include "audio/decode.h"

#include <sndfile.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "audio/decode_sink.h"
#include "audio/ffmpeg_decoder.h"
#include "audio/mp3_decoder.h"
#include "audio/resampler.h"
#include "audio/sndfile_io.h"
#include "audio/vorbis_decoder.h"

namespace vox::audio {
namespace {

constexpr const char* kField = "audio";

bool StartsWith(std::string_view bytes, std::string_view magic, std::size_t at = 0) {
  return bytes.size() >= at + magic.size() && bytes.substr(at, magic.size()) == magic;
}

// An MPEG audio frame header: 11 sync bits, a defined version and layer, and
// a bitrate and sample-rate index that are not "bad"/"reserved".
bool IsMpegFrameHeader(std::string_view bytes) {
  if (bytes.size() < 4) return false;
  const auto b1 = static_cast<unsigned char>(bytes[1]);
  const auto b2 = static_cast<unsigned char>(bytes[2]);
  return static_cast<unsigned char>(bytes[0]) == 0xFF && (b1 & 0xE0) == 0xE0 &&
         ((b1 >> 3) & 0x3) != 0x1 && ((b1 >> 1) & 0x3) != 0 && (b2 >> 4) != 0xF &&
         ((b2 >> 2) & 0x3) != 0x3;
}

// A bad output rate is the caller's mistake: reported before the file is looked at.
Status ValidateOutputRate(const DecodeOptions& options) {
  if (options.output_sample_rate == 0) return {};
  return ValidateSampleRate(options.output_sample_rate);
}

// WAV, AIFF, FLAC and Ogg/Opus go through libsndfile.
Result<PcmBuffer> DecodeWithSndfile(std::string_view bytes, std::string_view container,
                                    const DecodeOptions& options) {
  internal::MemoryReader reader(bytes);
  SF_INFO info{};
  internal::SndFilePtr file(
      sf_open_virtual(internal::MemoryReader::Callbacks(), SFM_READ, &info, &reader));
  if (!file) {
    return InvalidArgument(
        "cannot decode " + std::string(container) + " audio: " + internal::SndFileError(nullptr),
        kField);
  }
  VOX_ASSIGN_OR_RETURN(internal::DecodeSink sink,
                       internal::DecodeSink::Create(info.samplerate, info.channels, options,
                                                    std::string(container)));
  // frames is SF_COUNT_MAX when unknown; the sink enforces the limit anyway.
  if (info.frames != SF_COUNT_MAX) VOX_RETURN_IF_ERROR(sink.CheckClaimedFrames(info.frames));

  constexpr sf_count_t kBlockFrames = 4096;
  std::vector<float> block(static_cast<std::size_t>(kBlockFrames) * info.channels);
  while (true) {
    const sf_count_t n = sf_readf_float(file.get(), block.data(), kBlockFrames);
    if (n <= 0) break;
    VOX_RETURN_IF_ERROR(sink.AddInterleaved(block.data(), static_cast<std::size_t>(n)));
  }
  if (sf_error(file.get()) != SF_ERR_NO_ERROR) {
    return InvalidArgument(
        "corrupt " + std::string(container) + " audio: " + internal::SndFileError(file.get()),
        kField);
  }
  // FLAC states its exact length; coming up short means the file was cut off.
  // (WAV lengths are clamped to the bytes present and Ogg/Opus lengths come
  // from the last page that exists.)
  if (container == "flac" && info.frames > 0 && info.frames != SF_COUNT_MAX &&
      sink.frames() < static_cast<std::uint64_t>(info.frames)) {
    return InvalidArgument("truncated flac audio: decoded " + std::to_string(sink.frames()) +
                               " of " + std::to_string(info.frames) + " frames",
                           kField);
  }
  return std::move(sink).Finish();
}

}  // namespace

std::string_view SniffContainer(std::string_view bytes) {
  if ((StartsWith(bytes, "RIFF") || StartsWith(bytes, "RIFX") || StartsWith(bytes, "RF64")) &&
      StartsWith(bytes, "WAVE", 8)) {
    return "wav";
  }
  if (StartsWith(bytes, "FORM") && (StartsWith(bytes, "AIFF", 8) || StartsWith(bytes, "AIFC", 8))) {
    return "aiff";
  }
  if (StartsWith(bytes, "fLaC")) return "flac";
  if (StartsWith(bytes, "OggS")) return "ogg";
  if (StartsWith(bytes, "ID3") || IsMpegFrameHeader(bytes)) return "mp3";
  // EBML magic: Matroska, of which WebM is a subset.
  if (StartsWith(bytes, "\x1A\x45\xDF\xA3")) return "webm";
  // ISO base media (MP4, M4A, 3GP, QuickTime with an ftyp box): the first box is "ftyp".
  if (StartsWith(bytes, "ftyp", 4)) return "mp4";
  return "";
}

Result<PcmBuffer> Decode(std::string_view bytes, const DecodeOptions& options) {
  VOX_RETURN_IF_ERROR(ValidateOutputRate(options));
  if (bytes.empty()) return InvalidArgument("audio is empty", kField);
  if (bytes.size() > options.max_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "audio is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                         std::to_string(options.max_bytes),
                     kField);
  }
  const std::string_view container = SniffContainer(bytes);
  if (container.empty()) {
    return InvalidArgument(
        "unrecognized audio format; accepted: WAV, AIFF, FLAC, Ogg (Opus, Vorbis), MP3, "
        "WebM/Matroska (Opus, Vorbis), MP4/M4A (AAC)",
        kField);
  }

  if (container == "mp3") return internal::DecodeMp3(bytes, options);
  if (container == "webm") {
    return internal::DecodeWithFfmpeg(bytes, internal::FfmpegContainer::kMatroska, options);
  }
  if (container == "mp4") {
    return internal::DecodeWithFfmpeg(bytes, internal::FfmpegContainer::kMp4, options);
  }
  if (container == "ogg") {
    switch (internal::ClassifyOgg(bytes)) {
      case internal::OggCodec::kVorbis:
        return internal::DecodeVorbis(bytes, options);
      case internal::OggCodec::kOpus:
        break;  // libsndfile
      case internal::OggCodec::kNone:
        return InvalidArgument("cannot decode ogg audio: no valid Ogg page", kField);
      case internal::OggCodec::kOther:
        return InvalidArgument("unsupported codec in ogg audio; accepted: Opus, Vorbis", kField);
    }
  }
  return DecodeWithSndfile(bytes, container, options);
}

Result<PcmBuffer> DecodeFile(const std::string& path, const DecodeOptions& options) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) {
      return NotFound("audio file " + path + " does not exist", "path");
    }
    return InvalidArgument("cannot read audio file " + path + ": " + ec.message(), "path");
  }
  if (size > options.max_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "audio file " + path + " is " + std::to_string(size) +
                         " bytes; the limit is " + std::to_string(options.max_bytes),
                     kField);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot open audio file " + path, "path");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) {
    return InvalidArgument("short read from audio file " + path, "path");
  }
  return Decode(bytes, options);
}

Result<PcmBuffer> DecodeRawPcm(std::string_view bytes, int sample_rate, int channels,
                               const DecodeOptions& options) {
  if (sample_rate < options.min_sample_rate || sample_rate > options.max_sample_rate) {
    return InvalidArgument("sample rate " + std::to_string(sample_rate) + " Hz is outside " +
                               std::to_string(options.min_sample_rate) + ".." +
                               std::to_string(options.max_sample_rate) + " Hz",
                           "sample_rate");
  }
  if (channels < 1 || channels > options.max_channels) {
    return InvalidArgument("channel count " + std::to_string(channels) + " is outside 1.." +
                               std::to_string(options.max_channels),
                           "channels");
  }
  if (bytes.empty()) return InvalidArgument("audio is empty", kField);
  if (bytes.size() > options.max_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "audio is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                         std::to_string(options.max_bytes),
                     kField);
  }
  const std::size_t frame_bytes = 2u * static_cast<std::size_t>(channels);
  if (bytes.size() % frame_bytes != 0) {
    return InvalidArgument("raw PCM length " + std::to_string(bytes.size()) +
                               " is not a whole number of 16-bit frames",
                           kField);
  }
  VOX_RETURN_IF_ERROR(ValidateOutputRate(options));
  VOX_ASSIGN_OR_RETURN(internal::DecodeSink sink,
                       internal::DecodeSink::Create(sample_rate, channels, options, "raw"));
  const std::size_t frames = bytes.size() / frame_bytes;
  VOX_RETURN_IF_ERROR(sink.CheckClaimedFrames(static_cast<std::int64_t>(frames)));
  // Converted a block at a time, like every other decoder, so the sink can
  // downmix and resample as it goes.
  constexpr std::size_t kBlockFrames = 4096;
  std::vector<float> block;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (std::size_t first = 0; first < frames; first += kBlockFrames) {
    const std::size_t n = std::min(kBlockFrames, frames - first);
    block.resize(n * static_cast<std::size_t>(channels));
    const unsigned char* in = p + first * frame_bytes;
    for (std::size_t i = 0; i < block.size(); ++i) {
      const auto value = static_cast<std::int16_t>(static_cast<std::uint16_t>(in[2 * i]) |
                                                   static_cast<std::uint16_t>(in[2 * i + 1]) << 8);
      block[i] = static_cast<float>(value) / 32768.0f;
    }
    VOX_RETURN_IF_ERROR(sink.AddInterleaved(block.data(), n));
  }
  return std::move(sink).Finish();
}

Result<PcmBuffer> DecodeG711(std::string_view bytes, G711Law law, int sample_rate,
                             const DecodeOptions& options) {
  if (sample_rate <= 0) return InvalidArgument("sample rate must be positive", "sample_rate");
  std::string wav;
  const auto le = [&wav](uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) wav.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  const auto rate = static_cast<uint32_t>(sample_rate);
  const auto size = static_cast<uint32_t>(bytes.size());
  wav += "RIFF";
  le(38 + size, 4);
  wav += "WAVEfmt ";
  le(18, 4);
  le(law == G711Law::kMu ? 7 : 6, 2);  // WAVE_FORMAT_MULAW, WAVE_FORMAT_ALAW
  le(1, 2);                            // channels
  le(rate, 4);                         // samples per second
  le(rate, 4);                         // bytes per second
  le(1, 2);                            // block align
  le(8, 2);                            // bits per sample
  le(0, 2);                            // no extension
  wav += "data";
  le(size, 4);
  wav.append(bytes);
  return Decode(wav, options);
}

}  // namespace vox::audio
