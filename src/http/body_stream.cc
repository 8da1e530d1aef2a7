#include "http/body_stream.h"

#include <utility>

namespace vox::http {

BodyStream::BodyStream(size_t max_buffered_bytes, std::chrono::milliseconds stall_timeout)
    : max_buffered_bytes_(max_buffered_bytes), stall_timeout_(stall_timeout) {}

void BodyStream::Wake(std::unique_lock<std::mutex>& lock) {
  auto ready = std::exchange(on_ready_, nullptr);
  lock.unlock();
  if (ready) ready();
}

bool BodyStream::Write(std::string data) {
  std::unique_lock lock(mu_);
  if (data.empty()) return !canceled_ && !finished_ && !aborted_;
  // One piece larger than the whole buffer still goes through, alone.
  const bool got_room = room_.wait_for(lock, stall_timeout_, [&] {
    return canceled_ || finished_ || aborted_ || buffered_ == 0 ||
           buffered_ + data.size() <= max_buffered_bytes_;
  });
  if (!got_room) canceled_ = true;  // the reader made no progress: give up on it
  if (canceled_ || finished_ || aborted_) return false;
  buffered_ += data.size();
  queue_.push_back(std::move(data));
  Wake(lock);
  return true;
}

void BodyStream::Finish() {
  std::unique_lock lock(mu_);
  if (aborted_) return;
  finished_ = true;
  Wake(lock);
}

void BodyStream::Abort() {
  std::unique_lock lock(mu_);
  if (finished_) return;
  aborted_ = true;
  Wake(lock);
}

bool BodyStream::canceled() const {
  std::lock_guard lock(mu_);
  return canceled_;
}

BodyStream::Next BodyStream::Pop(std::string& out, std::function<void()> on_ready) {
  std::lock_guard lock(mu_);
  if (!queue_.empty()) {
    out = std::move(queue_.front());
    queue_.pop_front();
    buffered_ -= out.size();
    room_.notify_all();
    return Next::kData;
  }
  if (aborted_) return Next::kAborted;  // what was queued went out first
  if (finished_) return Next::kEnd;
  on_ready_ = std::move(on_ready);
  return Next::kWait;
}

void BodyStream::Cancel() {
  std::lock_guard lock(mu_);
  canceled_ = true;
  on_ready_ = nullptr;
  room_.notify_all();
}

}  // namespace vox::http
