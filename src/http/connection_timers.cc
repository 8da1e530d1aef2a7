// Connection deadlines: one steady_timer per connection, re-armed lazily.
#include <boost/asio/ip/tcp.hpp>

#include "http/connection.h"

namespace vox::http::internal {

void Connection::SetDeadline(Clock::duration timeout) {
  timed_out_ = false;
  deadline_ = Clock::now() + timeout;
  if (!timer_armed_ || deadline_ < timer_expiry_) ArmTimer();
}

void Connection::ClearDeadline() {
  timed_out_ = false;
  deadline_ = Clock::time_point::max();
}

void Connection::ArmTimer() {
  timer_expiry_ = deadline_;
  timer_armed_ = true;
  timer_.expires_at(deadline_);
  timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](error_code) {
    self->OnTimer(generation);
  });
}

void Connection::OnTimer(uint64_t generation) {
  if (generation != timer_generation_ || phase_ == Phase::kClosed) return;
  timer_armed_ = false;
  if (deadline_ == Clock::time_point::max()) return;
  if (Clock::now() < deadline_) return ArmTimer();
  OnTimeout();
}

void Connection::OnTimeout() {
  switch (phase_) {
    case Phase::kHeader:
    case Phase::kBody: {
      // Cancel the read; its handler sees timed_out_ and answers 408 (or just closes).
      timed_out_ = true;
      error_code ec;
      stream_.socket().cancel(ec);
      return;
    }
    case Phase::kGate:
    case Phase::kHandler:
    case Phase::kStreamWait:
    case Phase::kUpgraded:
    case Phase::kClosed:
      return;
    case Phase::kHandshake:
    case Phase::kIdle:
    case Phase::kContinue:
    case Phase::kWrite:
    case Phase::kLinger:
      return Close();
  }
}

}  // namespace vox::http::internal
