// Test-only: decompression bombs (small files of long multichannel silence,
// made with the ffmpeg CLI) and the peak memory of work done in a child
// process, for the tests that decoding untrusted uploads stays bounded.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace vox::audio::testing {

struct Bomb {
  std::string container;  // "flac", "ogg" (Opus), "webm" (Opus), "m4a" (AAC)
  int sample_rate = 48000;
  int channels = 8;  // 1, 2, 6 or 8
  double seconds = 60;
  // Written to a pipe, so the header states no length (FLAC's total is 0,
  // WebM's sizes are unknown): only decoding finds out how long it is.
  bool unsized = false;
};

inline bool HaveFfmpeg() { return std::system("ffmpeg -version >/dev/null 2>&1") == 0; }

// The file's bytes, or "" when ffmpeg failed (the caller asserts).
inline std::string MakeBomb(const Bomb& bomb) {
  const char* layout = bomb.channels == 1   ? "mono"
                       : bomb.channels == 2 ? "stereo"
                       : bomb.channels == 6 ? "5.1"
                                            : "7.1";
  const std::string codec = bomb.container == "flac"   ? "-c:a flac -f flac"
                            : bomb.container == "ogg"  ? "-c:a libopus -b:a 32k -f ogg"
                            : bomb.container == "webm" ? "-c:a libopus -b:a 32k -f webm"
                                                       : "-c:a aac -b:a 64k -f mp4";
  const auto path = std::filesystem::temp_directory_path() /
                    ("vox-bomb-" + std::to_string(::getpid()) + "-" + bomb.container + "-" +
                     std::to_string(bomb.sample_rate) + "-" + std::to_string(bomb.channels));
  std::ostringstream cmd;
  cmd << "ffmpeg -v error -y -f lavfi -i anullsrc=r=" << bomb.sample_rate << ":cl=" << layout
      << " -t " << bomb.seconds << " " << codec << " " << (bomb.unsized ? "pipe:1 > " : "") << path
      << " 2>/dev/null";
  if (std::system(cmd.str().c_str()) != 0) return "";
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  return bytes;
}

struct ChildRun {
  int exit_code = -1;      // what the function returned; -1 if the child failed or was killed
  long start_rss_kib = 0;  // the child's resident memory before the function ran
  long peak_rss_kib = 0;   // the child's peak resident memory (VmHWM)
  long grown_kib() const { return peak_rss_kib - start_rss_kib; }
};

// A "Vm...:  1234 kB" line of /proc/self/status.
inline long ProcStatusKib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(key + ":")) return std::atol(line.c_str() + key.size() + 1);
  }
  return -1;
}

// Runs `fn` in a forked child (gtest assertions do not cross the fork: `fn`
// reports through its return value) and measures how far the child's
// resident memory rose above where it started.
inline ChildRun RunInChild(const std::function<int()>& fn) {
  ChildRun run;
  int fds[2];
  if (::pipe(fds) != 0) return run;
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    const long start = ProcStatusKib("VmRSS");
    const int rc = fn();
    const long report[2] = {start, ProcStatusKib("VmHWM")};
    const bool sent = ::write(fds[1], report, sizeof(report)) == sizeof(report);
    ::_exit(sent ? rc : 255);
  }
  ::close(fds[1]);
  long report[2] = {0, 0};
  const bool got = pid > 0 && ::read(fds[0], report, sizeof(report)) == sizeof(report);
  ::close(fds[0]);
  int status = 0;
  if (pid <= 0 || ::waitpid(pid, &status, 0) != pid || !got) return run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.start_rss_kib = report[0];
  run.peak_rss_kib = report[1];
  return run;
}

}  // namespace vox::audio::testing
