// RedisTestServer: a throwaway redis-server for tests. It listens on a free
// loopback port, keeps its data (AOF on, fsync always) in a temporary
// directory, and is stopped and the directory removed when the object dies.
// The child also dies with the test process (PR_SET_PDEATHSIG), so a crashed
// test leaves no server behind. Nothing assumes Redis was already running.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace vox::redis::testing {

class RedisTestServer {
 public:
  // kUnavailable when redis-server is not installed (tests then skip).
  static Result<std::unique_ptr<RedisTestServer>> Start();
  ~RedisTestServer();
  RedisTestServer(const RedisTestServer&) = delete;
  RedisTestServer& operator=(const RedisTestServer&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  // redis://127.0.0.1:<port>/0 plus `query` (e.g. "?lease_ms=400").
  std::string Url(const std::string& query = "") const;

  // SIGKILL (no chance to flush anything beyond what AOF already has).
  void Kill();
  // Starts it again on the same port and data directory; waits until it serves.
  Status Restart();
  // Kills it, deletes its data (AOF and RDB files) and starts it empty: a
  // Redis that lost everything, as one without persistence does on restart.
  Status RestartEmpty();

 private:
  RedisTestServer() = default;
  Status Launch();
  Status WaitReady();

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// One server shared by a whole test binary, started on first use.
Result<RedisTestServer*> SharedRedisTestServer();

}  // namespace vox::redis::testing
