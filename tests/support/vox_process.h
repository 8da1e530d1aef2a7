// Runs the real `vox` binary as a child process for end-to-end tests:
// `vox serve` on a free loopback port with a temporary data directory, or a
// one-shot CLI command with its exit code and output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace vox::testing {

std::string VoxBinary();  // build/src/cli/vox

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};
// Runs `vox args...` to completion, feeding `stdin_data`.
CommandResult RunVox(const std::vector<std::string>& args, const std::string& stdin_data = {});
// Runs `argv` (argv[0] looked up on PATH) to completion, feeding `stdin_data`.
CommandResult RunProgram(std::vector<std::string> argv, const std::string& stdin_data = {});
// Runs `command` through /bin/sh (a test's helper script, e.g. an npm SDK driver): its
// stdout in `out` and its exit code; its stderr goes to the test's own.
CommandResult RunShell(const std::string& command);

// A fresh temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class ServerProcess {
 public:
  // Starts `vox ROLE --data DATA extra_args...` (ROLE: serve, api or worker;
  // serve and api also get --listen 127.0.0.1:0) and waits until it says it
  // is up: the port it listens on, or for a worker that it runs. The first
  // start against an empty database also captures the admin key it prints.
  ServerProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args = {},
                std::string role = "serve");
  ~ServerProcess();  // SIGKILL if still running

  // Where the process's stderr (its logs) goes; by default the test's own stderr.
  void set_stderr_file(std::filesystem::path path) { stderr_file_ = std::move(path); }
  bool Start();
  // SIGTERM, then waits; returns the exit status (exit code, or 128+signal).
  int Terminate(std::chrono::seconds timeout = std::chrono::seconds(60));
  void Kill();  // SIGKILL, no drain
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  uint16_t port() const { return port_; }
  const std::string& admin_key() const { return admin_key_; }
  const std::string& output() const { return output_; }

 private:
  std::filesystem::path data_dir_;
  std::vector<std::string> extra_args_;
  std::string role_;
  std::filesystem::path stderr_file_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  uint16_t port_ = 0;
  std::string admin_key_;
  std::string output_;
};

}  // namespace vox::testing
