#include "support/vox_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <regex>
#include <thread>

extern char** environ;

namespace vox::testing {
namespace fs = std::filesystem;

std::string VoxBinary() { return std::string(VOX_BINARY_DIR) + "/src/cli/vox"; }

TempDir::TempDir() {
  char tmpl[] = "/tmp/vox-test-XXXXXX";
  path_ = mkdtemp(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// Reads everything from fd until EOF.
std::string Drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

CommandResult RunShell(const std::string& command) {
  CommandResult result;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) result.out.append(buf, n);
  const int status = pclose(p);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult RunVox(const std::vector<std::string>& args, const std::string& stdin_data) {
  std::vector<std::string> full = {VoxBinary()};
  full.insert(full.end(), args.begin(), args.end());
  return RunProgram(std::move(full), stdin_data);
}

CommandResult RunProgram(std::vector<std::string> full, const std::string& stdin_data) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  for (int fd : {in_pipe[1], out_pipe[0], err_pipe[0]})
    posix_spawn_file_actions_addclose(&actions, fd);
  pid_t pid;
  auto argv = Argv(full);
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  if (rc != 0) return result;
  std::thread writer([&] {
    size_t off = 0;
    while (off < stdin_data.size()) {
      ssize_t n = write(in_pipe[1], stdin_data.data() + off, stdin_data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(in_pipe[1]);
  });
  std::thread err_reader([&] { result.err = Drain(err_pipe[0]); });
  result.out = Drain(out_pipe[0]);
  writer.join();
  err_reader.join();
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ServerProcess::ServerProcess(fs::path data_dir, std::vector<std::string> extra_args,
                             std::string role)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)), role_(std::move(role)) {}

ServerProcess::~ServerProcess() { Kill(); }

bool ServerProcess::Start() {
  const bool listens = role_ != "worker";
  std::vector<std::string> args = {VoxBinary(), role_, "--data", data_dir_.string()};
  // Quiet by default; a test that reads the logs asks for its own level.
  if (std::find(extra_args_.begin(), extra_args_.end(), "--log-level") == extra_args_.end()) {
    args.insert(args.end(), {"--log-level", "warn"});
  }
  if (listens) args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  int out_pipe[2];
  if (pipe(out_pipe)) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  if (!stderr_file_.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, stderr_file_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  auto argv = Argv(args);
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (rc != 0) return false;
  stdout_fd_ = out_pipe[0];
  // Read until "vox: listening on http(s)://127.0.0.1:PORT" (start-up loads engines: allow
  // time). Other listeners ("vox: internal listening on ...") are announced before it.
  static const std::regex kListening(R"(vox: listening on https?://[^:]+:(\d+))");
  static const std::regex kKey(R"((vox_[A-Za-z0-9]{40}))");
  static const std::regex kWorking(R"(worker running)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[1024];
    ssize_t n = read(stdout_fd_, buf, sizeof(buf));
    if (n <= 0) return false;  // exited
    output_.append(buf, static_cast<size_t>(n));
    std::smatch m;
    if (admin_key_.empty() && std::regex_search(output_, m, kKey)) admin_key_ = m[1];
    if (!listens && std::regex_search(output_, m, kWorking)) return true;
    if (listens && std::regex_search(output_, m, kListening)) {
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
      return true;
    }
  }
  return false;
}

int ServerProcess::Terminate(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      close(stdout_fd_);
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Kill();
  return -1;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  close(stdout_fd_);
}

}  // namespace vox::testing
