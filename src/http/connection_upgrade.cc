// Connection: handing the socket over to another protocol (Response::upgrade, upgrade.h).
//
// The connection stays registered with the server while the new owner holds the lease, so
// max_connections, open_connections() and Stop()'s drain see an upgraded session exactly as
// they see a request in flight. Stop() reaches the session through the stop callback the
// owner gives the lease; the lease's end unregisters the connection.
#include <spdlog/spdlog.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <mutex>

#include "http/connection.h"

namespace vox::http::internal {

// What the connection and the lease share: the owner's stop callback and how far the server's
// stop has gone (0: running, 1: draining, 2: forced), for a callback set after it began.
struct Connection::UpgradeStop {
  std::mutex mu;
  std::function<void(bool force)> on_stop;
  int level = 0;

  void Raise(int to) {
    std::function<void(bool)> call;
    {
      std::lock_guard lock(mu);
      if (to <= level) return;
      level = to;
      call = on_stop;
    }
    if (call) call(to == 2);
  }
};

namespace {

class Lease final : public UpgradeLease {
 public:
  Lease(std::shared_ptr<Connection> connection, std::shared_ptr<Connection::UpgradeStop> stop)
      : connection_(std::move(connection)), stop_(std::move(stop)) {}
  ~Lease() override { connection_->EndUpgrade(); }

  void OnStop(std::function<void(bool force)> on_stop) override {
    int level;
    {
      std::lock_guard lock(stop_->mu);
      stop_->on_stop = on_stop;
      level = stop_->level;
    }
    if (level > 0) on_stop(level == 2);
  }

 private:
  std::shared_ptr<Connection> connection_;
  std::shared_ptr<Connection::UpgradeStop> stop_;
};

}  // namespace

void Connection::HandOver(UpgradeHandler upgrade) {
  phase_ = Phase::kUpgraded;
  status_ = 101;
  ClearDeadline();
  timer_.cancel();
  ++timer_generation_;
  timer_armed_ = false;
  ReleaseBody();
  upgrade_stop_ = std::make_shared<UpgradeStop>();
  if (draining_) upgrade_stop_->level = 1;
  Upgraded upgraded{std::move(stream_), boost::beast::buffers_to_string(buffer_.data()),
                    std::make_unique<Lease>(shared_from_this(), upgrade_stop_)};
  buffer_.consume(buffer_.size());
  Report();
  try {
    upgrade(std::move(upgraded));
  } catch (const std::exception& e) {  // the lease (and socket) died with `upgraded`
    spdlog::error("http: upgrade of {} {} threw: {} (request {})", request_.method, request_.route,
                  e.what(), request_.request_id);
  }
}

void Connection::StopUpgraded(bool force) {
  if (upgrade_stop_) upgrade_stop_->Raise(force ? 2 : 1);
}

void Connection::EndUpgrade() { shared_->Unregister(this); }

}  // namespace vox::http::internal
