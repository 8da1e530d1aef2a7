#include "redis/testing/redis_test_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "redis/redis_connection.h"

namespace vox::redis::testing {
namespace {

std::string FindRedisServer() {
  for (const char* p : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

// A port the kernel just handed out; free again once the socket closes.
int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

Result<std::unique_ptr<RedisTestServer>> RedisTestServer::Start() {
  if (FindRedisServer().empty()) {
    return Unavailable("redis-server is not installed (scripts/install-deps.sh installs it)");
  }
  std::unique_ptr<RedisTestServer> s(new RedisTestServer());
  std::string tmpl = (std::filesystem::temp_directory_path() / "vox-redis-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return Internal("cannot create a temp dir for redis");
  s->dir_ = tmpl;
  Status last = Internal("no attempt");
  for (int attempt = 0; attempt < 5; ++attempt) {  // another process may grab the port first
    s->port_ = FreeLoopbackPort();
    last = s->Launch();
    if (last) return s;
  }
  return std::unexpected(last.error());
}

Status RedisTestServer::Launch() {
  const std::string bin = FindRedisServer();
  const std::string port = std::to_string(port_);
  std::vector<std::string> args = {bin,
                                   "--port",
                                   port,
                                   "--bind",
                                   "127.0.0.1",
                                   "--dir",
                                   dir_,
                                   "--appendonly",
                                   "yes",
                                   "--appendfsync",
                                   "always",
                                   "--save",
                                   "",
                                   "--daemonize",
                                   "no",
                                   "--logfile",
                                   dir_ + "/redis.log",
                                   "--protected-mode",
                                   "no"};
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Internal("fork failed starting redis-server");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  pid_ = pid;
  Status ready = WaitReady();
  if (!ready) Kill();
  return ready;
}

Status RedisTestServer::WaitReady() {
  RedisEndpoint e;
  e.port = port_;
  e.io_timeout_ms = 500;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Unavailable("redis-server exited at start (see " + dir_ + "/redis.log)");
    }
    auto conn = RedisConnection::Open(e);
    if (conn && (*conn)->Command({"PING"})) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Unavailable("redis-server did not answer within 10 s on port " + std::to_string(port_));
}

std::string RedisTestServer::Url(const std::string& query) const {
  return "redis://127.0.0.1:" + std::to_string(port_) + "/0" + query;
}

void RedisTestServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

Status RedisTestServer::Restart() {
  Kill();
  // The port was ours a moment ago; TIME_WAIT does not block a listener
  // (Redis sets SO_REUSEADDR), but give the kernel a few tries anyway.
  Status last = Internal("no attempt");
  for (int attempt = 0; attempt < 5; ++attempt) {
    last = Launch();
    if (last) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

Status RedisTestServer::RestartEmpty() {
  Kill();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    std::filesystem::remove_all(entry.path(), ec);
  }
  return Restart();
}

RedisTestServer::~RedisTestServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, &status, WNOHANG) != 0) {
        pid_ = -1;  // exited (or already reaped)
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    Kill();  // still there after 2 s: no more patience
  }
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

Result<RedisTestServer*> SharedRedisTestServer() {
  static std::unique_ptr<RedisTestServer> server;
  static Status started = [] {
    auto s = RedisTestServer::Start();
    if (!s) return Status(std::unexpected(s.error()));
    server = std::move(*s);
    return Status();
  }();
  if (!started) return std::unexpected(started.error());
  return server.get();
}

}  // namespace vox::redis::testing
