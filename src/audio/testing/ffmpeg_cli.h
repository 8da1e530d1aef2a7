// Test-only: decode any audio bytes with the ffmpeg command-line tool, an independent decoder,
// to 16 kHz mono float. Headerless streams name their format ("s16le", "mulaw", "alaw") and
// rate; containers are probed.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "audio/pcm_buffer.h"

namespace vox::audio::testing {

inline PcmBuffer DecodeWithFfmpeg(const std::string& bytes, const std::string& raw_format = {},
                                  int raw_rate = 0) {
  char in_path[] = "/tmp/vox-ffmpeg-in-XXXXXX";
  int fd = mkstemp(in_path);
  PcmBuffer out{16000, 1, {}};
  if (fd < 0) return out;
  const bool written = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  close(fd);
  std::string input = raw_format.empty()
                          ? std::string()
                          : "-f " + raw_format + " -ar " + std::to_string(raw_rate) + " -ac 1 ";
  std::string cmd = "ffmpeg -v error -nostdin " + input + "-i " + in_path +
                    " -f s16le -ac 1 -ar 16000 - 2>/dev/null";
  if (FILE* p = written ? popen(cmd.c_str(), "r") : nullptr) {
    std::string pcm;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) pcm.append(buf, n);
    pclose(p);
    out.samples.resize(pcm.size() / 2);
    for (size_t i = 0; i < out.samples.size(); ++i) {
      int16_t s;
      std::memcpy(&s, pcm.data() + 2 * i, 2);
      out.samples[i] = s / 32768.0f;
    }
  }
  std::filesystem::remove(in_path);
  return out;
}

}  // namespace vox::audio::testing
