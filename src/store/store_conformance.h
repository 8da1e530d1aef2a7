// The Store conformance suite: every backend must pass every TEST_P written
// against StoreConformance (store_*_test.cc in this folder). A new backend
// adds one entry to StoreBackends() in store_conformance.cc.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "store/store.h"

namespace vox::store::testing {

struct StoreBackend {
  std::string name;
  // Opens the store whose data lives under `dir` (an empty temporary
  // directory the fixture owns). Opening the same `dir` again must reach the
  // same database when `persistent`. kUnavailable skips the test (e.g. no
  // PostgreSQL server configured).
  std::function<Result<std::unique_ptr<Store>>(const std::string& dir)> open;
  bool persistent = true;
};

std::vector<StoreBackend> StoreBackends();

inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

// Asserts a Result/Status succeeded, printing the error otherwise.
#define VOX_ASSERT_OK(expr)                                                          \
  do {                                                                               \
    auto vox_ok_ = (expr);                                                           \
    ASSERT_TRUE(vox_ok_.has_value()) << #expr << ": " << vox_ok_.error().ToString(); \
  } while (0)

// Unwraps a Result into `lhs` or fails the test.
#define VOX_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  VOX_ASSERT_OK_AND_ASSIGN_IMPL_(VOX_CONCAT_(vox_t_, __LINE__), lhs, expr)
#define VOX_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr)                     \
  auto tmp = (expr);                                                       \
  ASSERT_TRUE(tmp.has_value()) << #expr << ": " << tmp.error().ToString(); \
  lhs = std::move(tmp).value()

// The error code of a failed result; nullopt when it succeeded (so a test
// expecting failure reports "got success" instead of touching error()).
template <typename T>
std::optional<ErrorCode> CodeOf(const Result<T>& r) {
  if (r) return std::nullopt;
  return r.error().code;
}

class StoreConformance : public ::testing::TestWithParam<StoreBackend> {
 protected:
  static constexpr int64_t kT0 = 1'700'000'000'000;  // a fixed "now" for explicit times

  void SetUp() override;
  void TearDown() override;

  // Drops the open store and opens the same database again.
  void Reopen();
  // A second handle on the same database (a second process's connections) where
  // the backend can give one; null otherwise.
  std::unique_ptr<Store> OpenSecond();

  // A user for jobs, keys and voices to belong to.
  User AddUser(const std::string& name = "alice");
  // A queued job of `user_id`, due at `due` (default kT0), created at kT0 + seq.
  Job AddQueuedJob(const std::string& user_id, int64_t due = kT0);
  // A fresh, valid job value (not stored).
  Job NewJob(const std::string& user_id);

  std::string dir_;
  std::unique_ptr<Store> store_;
  int seq_ = 0;
};

}  // namespace vox::store::testing
