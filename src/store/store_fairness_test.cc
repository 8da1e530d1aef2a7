// Conformance: claims rotate across users, and the audio retention queries.
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

// Claims until nothing is due and returns the users in claim order.
std::vector<std::string> ClaimAllUsers(Store& store, int64_t now) {
  std::vector<std::string> users;
  while (true) {
    auto c = store.ClaimNextJob("w", 60000, now);
    EXPECT_TRUE(c) << c.error().ToString();
    if (!c || !c->has_value()) return users;
    users.push_back((*c)->user_id);
  }
}

TEST_P(StoreConformance, ClaimsRotateAcrossUsers) {
  User a = AddUser("a");
  User b = AddUser("b");
  User c = AddUser("c");
  for (int i = 0; i < 4; ++i) AddQueuedJob(a.id);  // a's backlog, submitted first
  AddQueuedJob(b.id);
  AddQueuedJob(c.id);
  AddQueuedJob(c.id);
  // Rank 0: a's first, b's and c's first (in order of creation); rank 1: a's
  // and c's second; then the rest of a's.
  EXPECT_EQ(ClaimAllUsers(*store_, kT0),
            (std::vector<std::string>{a.id, b.id, c.id, a.id, c.id, a.id, a.id}));
}

TEST_P(StoreConformance, ALateUserIsServedAtTheNextClaim) {
  User a = AddUser("a");
  User b = AddUser("b");
  for (int i = 0; i < 30; ++i) AddQueuedJob(a.id);
  for (int i = 0; i < 3; ++i) {
    VOX_ASSERT_OK_AND_ASSIGN(auto got, store_->ClaimNextJob("w", 60000, kT0));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->user_id, a.id);
  }
  Job late = AddQueuedJob(b.id);
  VOX_ASSERT_OK_AND_ASSIGN(auto got, store_->ClaimNextJob("w", 60000, kT0));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, late.id);
  // A delayed job waits for its time; meanwhile the others go on in turn.
  Job delayed = AddQueuedJob(b.id, kT0 + 10'000);
  Job next_b = AddQueuedJob(b.id);
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    VOX_ASSERT_OK_AND_ASSIGN(got, store_->ClaimNextJob("w", 60000, kT0));
    ASSERT_TRUE(got.has_value());
    order.push_back(got->id == next_b.id ? "next_b" : got->user_id == a.id ? "a" : got->id);
  }
  // The delayed job took b's next place (rank 3, after a's job of that rank).
  EXPECT_EQ(order, (std::vector<std::string>{"a", "a", "next_b", "a"}));
  VOX_ASSERT_OK_AND_ASSIGN(got, store_->ClaimNextJob("w", 60000, kT0 + 10'000));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, delayed.id);  // due now, and ranked before A's later jobs
}

// A user back after the others used the queue for a while gets no saved-up
// credit: its burst interleaves with theirs instead of going first.
TEST_P(StoreConformance, ReturningUsersStartAtTheQueuesVirtualTime) {
  User a = AddUser("a");
  User b = AddUser("b");
  AddQueuedJob(b.id);
  VOX_ASSERT_OK_AND_ASSIGN(auto got, store_->ClaimNextJob("w", 60000, kT0));
  ASSERT_TRUE(got.has_value());
  for (int i = 0; i < 20; ++i) AddQueuedJob(a.id);
  for (int i = 0; i < 20; ++i) {
    VOX_ASSERT_OK_AND_ASSIGN(got, store_->ClaimNextJob("w", 60000, kT0));
    ASSERT_TRUE(got.has_value());
  }
  // The queue is empty; b (one job long ago) and a (twenty) both come back.
  // With saved-up credit b's three would all go first; they interleave.
  for (int i = 0; i < 3; ++i) AddQueuedJob(b.id);
  for (int i = 0; i < 3; ++i) AddQueuedJob(a.id);
  EXPECT_EQ(ClaimAllUsers(*store_, kT0),
            (std::vector<std::string>{b.id, b.id, a.id, b.id, a.id, a.id}));
}

TEST_P(StoreConformance, AudioRetentionListsMarksAndSharesKeys) {
  User u = AddUser();
  auto finish = [&](const Job& j, const std::string& key, int64_t at) {
    VOX_ASSERT_OK_AND_ASSIGN(
        bool moved, store_->TransitionJob(
                        {.job_id = j.id, .to = JobStatus::kDone, .at = at, .audio_key = key}));
    ASSERT_TRUE(moved);
  };
  Job old = AddQueuedJob(u.id);
  Job hit = AddQueuedJob(u.id);  // a later cache hit sharing old's blob
  Job fresh = AddQueuedJob(u.id);
  Job running = AddQueuedJob(u.id);
  finish(old, "audio/old.wav", kT0 + 100);
  finish(hit, "audio/old.wav", kT0 + 200);
  finish(fresh, "audio/fresh.wav", kT0 + 5000);

  VOX_ASSERT_OK_AND_ASSIGN(auto due, store_->ListExpiringAudio(kT0 + 1000, 10));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, old.id);  // oldest first
  EXPECT_EQ(due[1].id, hit.id);
  VOX_ASSERT_OK_AND_ASSIGN(due, store_->ListExpiringAudio(kT0 + 1000, 1));
  ASSERT_EQ(due.size(), 1u);  // bounded

  VOX_ASSERT_OK_AND_ASSIGN(bool won, store_->ExpireAudio(old.id, kT0 + 2000));
  EXPECT_TRUE(won);
  VOX_ASSERT_OK_AND_ASSIGN(won, store_->ExpireAudio(old.id, kT0 + 2001));
  EXPECT_FALSE(won);  // a second sweeper: no error, nothing changed
  VOX_ASSERT_OK_AND_ASSIGN(Job stored, store_->GetJob(old.id));
  EXPECT_EQ(stored.audio_expired_at, kT0 + 2000);
  EXPECT_EQ(stored.audio_key, "audio/old.wav");
  EXPECT_EQ(stored.status, JobStatus::kDone);
  VOX_ASSERT_OK_AND_ASSIGN(bool in_use, store_->AudioKeyInUse("audio/old.wav"));
  EXPECT_TRUE(in_use);  // `hit` still keeps it
  VOX_ASSERT_OK_AND_ASSIGN(won, store_->ExpireAudio(hit.id, kT0 + 2000));
  EXPECT_TRUE(won);
  VOX_ASSERT_OK_AND_ASSIGN(in_use, store_->AudioKeyInUse("audio/old.wav"));
  EXPECT_FALSE(in_use);
  VOX_ASSERT_OK_AND_ASSIGN(due, store_->ListExpiringAudio(kT0 + 1000, 10));
  EXPECT_TRUE(due.empty());

  VOX_ASSERT_OK(store_->RestoreAudio(hit.id));
  VOX_ASSERT_OK_AND_ASSIGN(stored, store_->GetJob(hit.id));
  EXPECT_FALSE(stored.audio_expired_at.has_value());
  VOX_ASSERT_OK_AND_ASSIGN(due, store_->ListExpiringAudio(kT0 + 1000, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, hit.id);

  EXPECT_EQ(CodeOf(store_->ExpireAudio("no-such-job", kT0)), ErrorCode::kNotFound);
  VOX_ASSERT_OK_AND_ASSIGN(stored, store_->GetJob(running.id));
  EXPECT_FALSE(stored.audio_expired_at.has_value());
}

}  // namespace
}  // namespace vox::store::testing
