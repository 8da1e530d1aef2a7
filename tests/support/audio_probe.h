// What a file of audio says it is, read by parsers Vox did not write: ffprobe for the container
// and its first audio stream, and the Ogg/Opus identification header by hand. For the e2e tests
// that check each output format is what its route claims.
#pragma once

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/vox_process.h"

namespace vox::testing {

struct ProbedAudio {
  std::string container;  // ffprobe's format_name: "wav", "mp3", "ogg", "flac", "aac"
  std::string codec;      // the stream's codec_name: "pcm_s16le", "mp3", "opus", "flac", "aac"
  int sample_rate = 0;    // Opus: always 48000, its decoder's rate (see OpusInputRate)
  int channels = 0;
  int bit_rate = 0;   // bits per second, where the stream states one (an MP3 frame header does)
  std::string error;  // why ffprobe read nothing, when it did not
};

// ffprobe reads a file, not a pipe: on a pipe it stops once it has probed, and the writer of
// the rest would die of SIGPIPE.
inline ProbedAudio ProbeAudio(const std::string& bytes) {
  ProbedAudio probed;
  TempDir dir;
  const std::string path = (dir.path() / "audio").string();
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<long>(bytes.size()));
  const CommandResult run = RunProgram(
      {"ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
       "format=format_name:stream=codec_name,sample_rate,channels,bit_rate", "-of", "json", path});
  const nlohmann::json out = nlohmann::json::parse(run.out, nullptr, false);
  if (run.exit_code != 0 || out.is_discarded() || out.value("streams", nlohmann::json()).empty()) {
    probed.error = "ffprobe exit " + std::to_string(run.exit_code) + ": " + run.err + run.out;
    return probed;
  }
  const nlohmann::json& stream = out["streams"][0];
  probed.container = out["format"].value("format_name", "");
  probed.codec = stream.value("codec_name", "");
  probed.sample_rate = std::atoi(stream.value("sample_rate", "0").c_str());
  probed.channels = stream.value("channels", 0);
  probed.bit_rate = std::atoi(stream.value("bit_rate", "0").c_str());
  return probed;
}

// The rate the Opus encoder was given, from the OpusHead packet (RFC 7845 5.1: a
// little-endian u32 at byte 12); 0 when there is none. ffprobe reports 48000 for every Opus
// stream, so this is where an Opus stream says which rate it was made at.
inline int OpusInputRate(const std::string& ogg) {
  const size_t at = ogg.find("OpusHead");
  if (at == std::string::npos || at + 16 > ogg.size()) return 0;
  uint32_t rate = 0;
  for (int i = 3; i >= 0; --i) rate = rate << 8 | static_cast<uint8_t>(ogg[at + 12 + i]);
  return static_cast<int>(rate);
}

}  // namespace vox::testing
