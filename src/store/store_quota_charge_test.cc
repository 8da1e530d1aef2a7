// Conformance: the plan's monthly characters (AddUsageCapped, and CreateJobCapped
// with a charge) hold when one user's requests race, from threads of one process
// and through two handles on one database (as two API processes would), and a
// refused charge writes nothing.
#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

QuotaCharge QuotaOf(const std::string& user_id, int64_t characters, int64_t max_characters) {
  return {.delta = {.day = "2026-12-06",
                    .user_id = user_id,
                    .route = "/v1/tts/synthesize",
                    .voice_kind = "builtin",
                    .characters = characters,
                    .requests = 1},
          .from_day = "2026-12-01",
          .to_day = "2026-12-31",
          .max_characters = max_characters};
}

// Runs attempt(store, i) for i in [0, n) at once, half of them through `second`
// when set; counts what was taken, refused (kResourceExhausted with `field`) or failed.
struct BurstCounts {
  int taken = 0, refused = 0;
};
BurstCounts RunQuotaBurst(Store& first, Store* second, int n, const std::string& field,
                          const std::function<Status(Store&, int)>& attempt) {
  std::atomic<int> taken{0}, refused{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Store& s = second && i % 2 ? *second : first;
      while (!go.load()) std::this_thread::yield();
      auto r = attempt(s, i);
      if (r) {
        ++taken;
      } else if (r.error().code == ErrorCode::kResourceExhausted && r.error().field == field) {
        ++refused;
      } else {
        ADD_FAILURE() << r.error().ToString();
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return {taken.load(), refused.load()};
}

}  // namespace

TEST_P(StoreConformance, ConcurrentChargesStopAtTheQuota) {
  constexpr int kThreads = 24;  // 10 characters each against 35: 3 fit
  User u = AddUser();
  User other = AddUser("bob");
  VOX_ASSERT_OK(store_->AddUsageCapped(QuotaOf(other.id, 30, 35)));  // another user's
  std::unique_ptr<Store> second = OpenSecond();
  BurstCounts n =
      RunQuotaBurst(*store_, second.get(), kThreads, kQuotaRefusalField,
                    [&](Store& s, int) { return s.AddUsageCapped(QuotaOf(u.id, 10, 35)); });
  EXPECT_EQ(n.taken, 3);
  EXPECT_EQ(n.refused, kThreads - 3);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t used, store_->SumCharacters(u.id, "2026-12-01", "2026-12-31"));
  EXPECT_EQ(used, 30);  // the refused ones wrote nothing
  VOX_ASSERT_OK_AND_ASSIGN(auto rows, store_->ListUsage(u.id, "2026-12-01", "2026-12-31"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].requests, 3);
  // Exactly the quota fits; other months do not count; 0 is no quota.
  VOX_ASSERT_OK(store_->AddUsageCapped(QuotaOf(u.id, 5, 35)));
  QuotaCharge january = QuotaOf(u.id, 35, 35);
  january.delta.day = january.from_day = "2027-01-01";
  january.to_day = "2027-01-31";
  VOX_ASSERT_OK(store_->AddUsageCapped(january));
  VOX_ASSERT_OK(store_->AddUsageCapped(QuotaOf(u.id, 1'000, 0)));
  EXPECT_EQ(CodeOf(store_->AddUsageCapped(QuotaOf(NewUuid(), 1, 0))),
            ErrorCode::kInvalidArgument);  // no such user
}

TEST_P(StoreConformance, ConcurrentJobsStopAtTheQuotaAndTheCap) {
  constexpr int kThreads = 24;
  User u = AddUser();
  std::unique_ptr<Store> second = OpenSecond();
  std::vector<Job> jobs;
  for (int t = 0; t < kThreads; ++t) jobs.push_back(NewJob(u.id));
  // 10 characters a job against 35: the quota holds before the cap of 5 does.
  BurstCounts n = RunQuotaBurst(
      *store_, second.get(), kThreads, kQuotaRefusalField, [&](Store& s, int i) -> Status {
        auto r = s.CreateJobCapped(jobs[static_cast<size_t>(i)], {}, 5, QuotaOf(u.id, 10, 35));
        if (!r) return std::unexpected(r.error());
        return {};
      });
  EXPECT_EQ(n.taken, 3);
  EXPECT_EQ(n.refused, kThreads - 3);
  VOX_ASSERT_OK_AND_ASSIGN(int64_t used, store_->SumCharacters(u.id, "2026-12-01", "2026-12-31"));
  EXPECT_EQ(used, 30);
  VOX_ASSERT_OK_AND_ASSIGN(auto listed, store_->ListUserJobs(u.id, 100));
  EXPECT_EQ(listed.size(), 3u);  // refused: no job row either
  // Refused by the cap (no field): nothing charged. A replay charges nothing more.
  auto capped = store_->CreateJobCapped(NewJob(u.id), {}, 3, QuotaOf(u.id, 1, 0));
  ASSERT_EQ(CodeOf(capped), ErrorCode::kResourceExhausted);
  EXPECT_EQ(capped.error().field, "");
  Job keyed = NewJob(u.id);
  keyed.idempotency_key = "k";
  VOX_ASSERT_OK(store_->CreateJobCapped(keyed, {}, 0, QuotaOf(u.id, 1, 0)));
  VOX_ASSERT_OK_AND_ASSIGN(auto replay, store_->CreateJobCapped(keyed, {}, 0, QuotaOf(u.id, 1, 0)));
  EXPECT_FALSE(replay.created);
  VOX_ASSERT_OK_AND_ASSIGN(used, store_->SumCharacters(u.id, "2026-12-01", "2026-12-31"));
  EXPECT_EQ(used, 31);
  // A charge is the job's own user's.
  User bob = AddUser("bob");
  EXPECT_EQ(CodeOf(store_->CreateJobCapped(NewJob(u.id), {}, 0, QuotaOf(bob.id, 1, 0))),
            ErrorCode::kInvalidArgument);
}

}  // namespace vox::store::testing
