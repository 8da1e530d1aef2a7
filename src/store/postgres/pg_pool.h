// A bounded, thread-safe pool of PostgreSQL connections.
//
// Connections are opened lazily, up to max_size; a caller waits (at most
// acquire_timeout_ms) when all are busy. A connection found broken after a
// call (the server restarted, the network dropped) is closed instead of
// returned, so the next Acquire opens a fresh one: the Store recovers by
// itself once the server is back, without being reopened.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_connection.h"

namespace vox::store::postgres {

struct PoolOptions {
  std::string conninfo;  // never logged: it may carry a password
  int max_size = 8;
  int connect_timeout_s = 3;
  int statement_timeout_ms = 10000;
  int acquire_timeout_ms = 10000;
};

class Pool {
 public:
  explicit Pool(PoolOptions options) : options_(std::move(options)) {}

  // A checked-out connection; returns it to the pool (or drops it when
  // broken) on destruction.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  Result<Lease> Acquire();

  // Connections open right now (idle + leased), for tests.
  int open_count();

 private:
  void Release(std::unique_ptr<Connection> conn);

  const PoolOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // idle + leased + being opened
};

}  // namespace vox::store::postgres
