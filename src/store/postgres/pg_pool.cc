#include "store/postgres/pg_pool.h"

#include <chrono>

namespace vox::store::postgres {

Pool::Lease::~Lease() {
  if (conn_) pool_->Release(std::move(conn_));
}

Result<Pool::Lease> Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.acquire_timeout_ms);
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (!conn->broken()) return Lease(this, std::move(conn));
      --open_;  // went bad while idle: drop it
    }
    if (open_ < options_.max_size) break;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.max_size) {
      return MakeError(ErrorCode::kUnavailable, "all " + std::to_string(options_.max_size) +
                                                    " PostgreSQL connections are busy");
    }
  }
  ++open_;
  lock.unlock();
  // Connect outside the lock: it may take up to connect_timeout_s.
  auto conn = Connection::Open(options_.conninfo, options_.connect_timeout_s,
                               options_.statement_timeout_ms);
  if (!conn) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return std::unexpected(conn.error());
  }
  return Lease(this, std::move(*conn));
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn->broken()) {
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  cv_.notify_one();
}

int Pool::open_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

}  // namespace vox::store::postgres
