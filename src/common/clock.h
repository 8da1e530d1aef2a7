// Wall-clock time in milliseconds since the Unix epoch, behind an interface so
// tests can move time by hand (lease expiry, retry delays) instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace vox {

// Milliseconds since 1970-01-01T00:00:00Z (system_clock: comparable across
// processes and machines, which database timestamps must be).
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Thread-safe source of "now". Components take a `const Clock&` (default
// Clock::System()) so tests can substitute a ManualClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;

  static const Clock& System();
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override { return vox::NowMs(); }
};

inline const Clock& Clock::System() {
  static const SystemClock clock;
  return clock;
}

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t NowMs() const override { return now_.load(std::memory_order_relaxed); }
  void Set(int64_t ms) { now_.store(ms, std::memory_order_relaxed); }
  void Advance(int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace vox
