#include "redis/redis_connection.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <csignal>
#include <cstdlib>
#include <mutex>

namespace vox::redis {
namespace {

timeval ToTimeval(int64_t ms) {
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

std::string Where(const RedisEndpoint& e) { return e.host + ":" + std::to_string(e.port); }

}  // namespace

Result<std::unique_ptr<RedisConnection>> RedisConnection::Open(const RedisEndpoint& endpoint) {
  // hiredis write()s to its socket: once Redis went away, a write would
  // raise SIGPIPE and kill the process instead of returning an error we can
  // turn into kUnavailable. A server process wants SIGPIPE ignored anyway.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
  redisContext* ctx = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port,
                                              ToTimeval(endpoint.io_timeout_ms));
  if (ctx == nullptr) return Unavailable("redis: out of memory connecting to " + Where(endpoint));
  if (ctx->err) {
    std::string why = ctx->errstr;
    redisFree(ctx);
    return Unavailable("redis at " + Where(endpoint) + " unreachable: " + why);
  }
  redisSetTimeout(ctx, ToTimeval(endpoint.io_timeout_ms));
  std::unique_ptr<RedisConnection> conn(new RedisConnection(ctx));
  if (!endpoint.password.empty()) {
    VOX_RETURN_IF_ERROR(conn->Command({"AUTH", endpoint.password}));
  }
  if (endpoint.db != 0) {
    VOX_RETURN_IF_ERROR(conn->Command({"SELECT", std::to_string(endpoint.db)}));
  }
  return conn;
}

RedisConnection::~RedisConnection() { redisFree(ctx_); }

Result<Reply> RedisConnection::Command(const std::vector<std::string>& args) {
  if (broken_) return Unavailable("redis connection is broken");
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  void* raw = redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data());
  if (raw == nullptr || ctx_->err) {
    if (raw) freeReplyObject(raw);
    broken_ = true;  // hiredis cannot resync a stream after an I/O error
    return Unavailable(std::string("redis connection lost during ") + args.front() + ": " +
                       ctx_->errstr);
  }
  Reply reply(static_cast<redisReply*>(raw), [](redisReply* r) { freeReplyObject(r); });
  if (reply->type == REDIS_REPLY_ERROR) {
    std::string msg(reply->str, reply->len);
    // Redis is up but not serving yet (replaying its AOF after a restart).
    if (msg.starts_with("LOADING") || msg.starts_with("BUSY ") || msg.starts_with("MASTERDOWN")) {
      return Unavailable("redis not ready: " + msg);
    }
    return Internal(msg + " (redis " + args.front() + ")");
  }
  return reply;
}

bool IsNil(const redisReply* r) { return r == nullptr || r->type == REDIS_REPLY_NIL; }
bool IsArray(const redisReply* r) { return r != nullptr && r->type == REDIS_REPLY_ARRAY; }
size_t ArraySize(const redisReply* r) { return IsArray(r) ? r->elements : 0; }
const redisReply* Element(const redisReply* r, size_t i) {
  return i < ArraySize(r) ? r->element[i] : nullptr;
}
std::string Str(const redisReply* r) {
  if (r == nullptr) return "";
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) {
    return std::string(r->str, r->len);
  }
  return "";
}
int64_t Int(const redisReply* r) {
  if (r == nullptr) return 0;
  if (r->type == REDIS_REPLY_INTEGER) return r->integer;
  if (r->type == REDIS_REPLY_STRING)
    return std::strtoll(std::string(r->str, r->len).c_str(), nullptr, 10);
  return 0;
}

Result<std::unique_ptr<RedisConnection>> RedisPool::Borrow(bool* reused) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    *reused = !idle_.empty();
    if (*reused) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  VOX_ASSIGN_OR_RETURN(auto conn, RedisConnection::Open(endpoint_));
  if (on_connect_) VOX_RETURN_IF_ERROR(on_connect_(*conn));
  return conn;
}

void RedisPool::GiveBack(std::unique_ptr<RedisConnection> conn) {
  if (conn->broken()) {
    // Every idle connection dialed the same server: if this one broke, they
    // most likely did too (a restart), so drop them rather than fail on each.
    std::lock_guard<std::mutex> lock(mu_);
    idle_.clear();
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

}  // namespace vox::redis
