// RedisConnection and RedisPool: the hiredis adapter. A hiredis context is
// not thread-safe, so each call borrows a whole connection from the pool and
// gives it back; a connection that hit an I/O error is dropped instead, so
// the next call dials again (that is the reconnect after Redis restarts).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

struct redisContext;
struct redisReply;

namespace vox::redis {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string password;           // AUTH when not empty
  int64_t io_timeout_ms = 5'000;  // connect and each reply (blocking reads wait less)
};

// An owned reply; null only for a nil reply inside an array.
using Reply = std::unique_ptr<redisReply, void (*)(redisReply*)>;

class RedisConnection {
 public:
  // Connects, AUTHs and SELECTs; kUnavailable when Redis cannot be reached.
  static Result<std::unique_ptr<RedisConnection>> Open(const RedisEndpoint& endpoint);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Runs one command. An I/O error marks the connection broken and returns
  // kUnavailable; an error reply returns kInternal whose message starts with
  // Redis's own error word (NOGROUP, BUSYGROUP...), except LOADING and
  // friends (Redis not ready yet), which are kUnavailable.
  Result<Reply> Command(const std::vector<std::string>& args);
  bool broken() const { return broken_; }

 private:
  explicit RedisConnection(redisContext* ctx) : ctx_(ctx) {}
  redisContext* ctx_;
  bool broken_ = false;
};

// Reply helpers. They do not own the reply.
bool IsNil(const redisReply* r);
bool IsArray(const redisReply* r);
size_t ArraySize(const redisReply* r);
const redisReply* Element(const redisReply* r, size_t i);
std::string Str(const redisReply* r);  // string/status replies; "" otherwise
int64_t Int(const redisReply* r);      // integer replies (or numeric strings); 0 otherwise

// A small pool of connections shared by every thread of a queue.
class RedisPool {
 public:
  // `on_connect` runs on each new connection (e.g. to create the consumer
  // group after Redis lost it); its failure drops that connection.
  RedisPool(RedisEndpoint endpoint, size_t max_idle,
            std::function<Status(RedisConnection&)> on_connect)
      : endpoint_(std::move(endpoint)), max_idle_(max_idle), on_connect_(std::move(on_connect)) {}

  // Runs `fn` on a borrowed connection, dialing one if none is idle. When an
  // idle connection turns out dead (Redis restarted since it was last used),
  // `fn` runs once more on a fresh one, so a restart costs callers nothing.
  // The queue's commands tolerate that repeat: a duplicated XADD is a
  // duplicate delivery, which the Store's claim absorbs; its scripts are idempotent.
  template <typename T>
  Result<T> With(const std::function<Result<T>(RedisConnection&)>& fn) {
    bool reused = false;
    VOX_ASSIGN_OR_RETURN(std::unique_ptr<RedisConnection> conn, Borrow(&reused));
    Result<T> out = fn(*conn);
    const bool stale = reused && conn->broken();
    GiveBack(std::move(conn));
    if (!stale) return out;
    VOX_ASSIGN_OR_RETURN(conn, Borrow(&reused));
    out = fn(*conn);
    GiveBack(std::move(conn));
    return out;
  }
  const RedisEndpoint& endpoint() const { return endpoint_; }

 private:
  Result<std::unique_ptr<RedisConnection>> Borrow(bool* reused);
  void GiveBack(std::unique_ptr<RedisConnection> conn);

  const RedisEndpoint endpoint_;
  const size_t max_idle_;
  std::function<Status(RedisConnection&)> on_connect_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
};

}  // namespace vox::redis
