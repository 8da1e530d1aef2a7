#include "blob/s3/testing/s3rver_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace vox::blob::testing {
namespace fs = std::filesystem;
namespace {

constexpr int kStartTimeoutMs = 20000;

std::string ServerBinary() {
  if (const char* bin = std::getenv("VOX_S3RVER_BIN"); bin != nullptr && *bin != '\0') return bin;
  return std::string(VOX_SOURCE_DIR) + "/tests/services/node_modules/.bin/s3rver";
}

std::string Tail(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

}  // namespace

Result<std::unique_ptr<S3rverProcess>> S3rverProcess::Start(
    const std::vector<std::string>& buckets) {
  const std::string bin = ServerBinary();
  if (access(bin.c_str(), X_OK) != 0) {
    return Unavailable("s3rver is not installed at " + bin + "; run tests/services/install.sh");
  }
  char tmpl[] = "/tmp/vox-s3rver-XXXXXX";
  if (mkdtemp(tmpl) == nullptr)
    return Unavailable("mkdtemp failed: " + std::string(strerror(errno)));
  std::unique_ptr<S3rverProcess> server(new S3rverProcess());
  server->dir_ = tmpl;
  const std::string data_dir = server->dir_ + "/data";
  const std::string log_path = server->dir_ + "/stderr.log";

  // Everything exec needs is prepared before fork(): the child of a
  // multithreaded process may only call async-signal-safe functions.
  std::vector<std::string> args = {bin, "--directory", data_dir, "--port", "0", "--address",
                                   "127.0.0.1", "--silent",
                                   // vhost requests come as BUCKET.s3.localhost
                                   "--service-endpoint", "localhost"};
  for (const std::string& bucket : buckets) {
    args.push_back("--configure-bucket");
    args.push_back(bucket);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // s3rver encrypts ListObjectsV2 continuation tokens with DES, which
  // OpenSSL 3 only offers through its legacy provider.
  std::vector<std::string> env_strings;
  std::string node_options = "NODE_OPTIONS=--openssl-legacy-provider";
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.starts_with("NODE_OPTIONS=")) {
      node_options += " " + std::string(entry.substr(13));
    } else {
      env_strings.emplace_back(entry);
    }
  }
  env_strings.push_back(node_options);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return Unavailable("pipe failed");
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Unavailable("fork failed: " + std::string(strerror(errno)));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
    dup2(pipe_fds[1], STDOUT_FILENO);
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  if (log_fd >= 0) close(log_fd);
  server->pid_ = pid;
  server->stdout_fd_ = pipe_fds[0];

  // The server prints "S3rver listening on 127.0.0.1:PORT" once it accepts.
  std::string out;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  constexpr std::string_view kMarker = "listening on 127.0.0.1:";
  while (true) {
    size_t at = out.find(kMarker);
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      server->port_ = std::atoi(out.c_str() + at + kMarker.size());
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Unavailable("s3rver did not start within 20 s; stderr: " + Tail(log_path));
    }
    pollfd pfd{server->stdout_fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[512];
    ssize_t n = read(server->stdout_fd_, buf, sizeof(buf));
    if (n <= 0) return Unavailable("s3rver exited during start-up; stderr: " + Tail(log_path));
    out.append(buf, static_cast<size_t>(n));
  }
  if (server->port_ <= 0) return Unavailable("could not read s3rver's port from: " + out);
  return server;
}

S3rverProcess::~S3rverProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 100 && !reaped; ++i) {  // up to 5 s for a clean exit
      reaped = waitpid(pid_, &status, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!reaped) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string S3rverProcess::Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string S3rverProcess::VhostEndpoint() const {
  return "http://s3.localhost:" + std::to_string(port_);
}

std::string S3rverProcess::StorageUrl(const std::string& bucket, const std::string& prefix) const {
  return "s3://" + bucket + (prefix.empty() ? "" : "/" + prefix) + "?endpoint=" + Endpoint() +
         "&region=us-east-1&path_style=1";
}

void S3rverProcess::ExportCredentials() {
  setenv("AWS_ACCESS_KEY_ID", kAccessKey, 1);
  setenv("AWS_SECRET_ACCESS_KEY", kSecretKey, 1);
  unsetenv("AWS_SESSION_TOKEN");
  unsetenv("AWS_PROFILE");
  setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  setenv("AWS_PAGER", "", 1);
  // No user config or credentials file may change what awscli does here.
  setenv("AWS_CONFIG_FILE", "/dev/null", 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
}

S3rverProcess* SharedS3rver(std::string* why_not) {
  static Result<std::unique_ptr<S3rverProcess>> server = S3rverProcess::Start();
  if (!server) {
    if (why_not != nullptr) *why_not = server.error().message;
    return nullptr;
  }
  return server->get();
}

bool TestServicesRequired() {
  const char* ci = std::getenv("CI");
  const char* require = std::getenv("VOX_REQUIRE_TEST_SERVICES");
  return (ci != nullptr && *ci != '\0' && std::string(ci) != "false") ||
         (require != nullptr && std::string(require) == "1");
}

std::string FindAwsCli() {
  if (access("/usr/bin/aws", X_OK) == 0) return "/usr/bin/aws";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir + "/aws";
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace vox::blob::testing
