// Conformance: the bounds on a user's clones at a voice creation
// (CreateVoiceCreationJob's limits) hold when uploads race, from threads and
// through two handles on one database (as two API processes would), and a
// refused creation writes nothing.
#include <atomic>
#include <thread>
#include <vector>

#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

struct Creation {
  Voice voice;
  Job job;
};

// A processing clone and its creation job, made from `job` (a fresh NewJob()).
Creation NewCreation(Job job, const std::string& user_id) {
  Creation c;
  c.voice.id = NewUuid();
  c.voice.user_id = user_id;
  c.voice.name = "jane";
  c.voice.kind = VoiceKind::kClone;
  c.voice.status = VoiceStatus::kProcessing;
  c.voice.engine = "flite";
  c.voice.metadata = "{}";
  c.job = std::move(job);
  c.job.kind = JobKind::kVoiceCreation;
  c.job.voice_id = c.voice.id;
  return c;
}

}  // namespace

TEST_P(StoreConformance, VoiceSlotsAndPendingCreationsRefuseAndWriteNothing) {
  User u = AddUser();
  const VoiceCreationLimits slots{.max_kept = 2, .max_pending = 0};
  Creation a = NewCreation(NewJob(u.id), u.id), b = NewCreation(NewJob(u.id), u.id);
  VOX_ASSERT_OK(store_->CreateVoiceCreationJob(a.voice, a.job, {}, slots));
  VOX_ASSERT_OK(store_->CreateVoiceCreationJob(b.voice, b.job, {}, slots));
  Creation c = NewCreation(NewJob(u.id), u.id);
  auto refused = store_->CreateVoiceCreationJob(c.voice, c.job, {}, slots);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(refused.error().field, kVoiceSlotsField);
  EXPECT_EQ(CodeOf(store_->GetVoice(c.voice.id)), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetJob(c.job.id)), ErrorCode::kNotFound);
  // A rejected clone holds no slot.
  VOX_ASSERT_OK(store_->UpdateVoice(
      {.id = a.voice.id, .status = VoiceStatus::kRejected, .only_if = VoiceStatus::kProcessing}));
  VOX_ASSERT_OK(store_->CreateVoiceCreationJob(c.voice, c.job, {}, slots));

  // Two still being made (b and c) against a bound of two in progress.
  Creation d = NewCreation(NewJob(u.id), u.id);
  auto busy = store_->CreateVoiceCreationJob(d.voice, d.job, {}, {.max_kept = 0, .max_pending = 2});
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().field, kPendingCreationsField);
  // Another user's clones are not counted.
  User bob = AddUser("bob");
  Creation e = NewCreation(NewJob(bob.id), bob.id);
  VOX_ASSERT_OK(
      store_->CreateVoiceCreationJob(e.voice, e.job, {}, {.max_kept = 1, .max_pending = 1}));
}

TEST_P(StoreConformance, ConcurrentCreationsStopAtTheVoiceSlots) {
  constexpr int kSlots = 3, kThreads = 16;
  User u = AddUser();
  std::unique_ptr<Store> second = OpenSecond();
  std::vector<Creation> creations;
  for (int t = 0; t < kThreads; ++t) creations.push_back(NewCreation(NewJob(u.id), u.id));
  std::atomic<int> created{0}, refused{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& s = second && t % 2 ? *second : *store_;
      const Creation& c = creations[static_cast<size_t>(t)];
      while (!go.load()) std::this_thread::yield();
      auto r = s.CreateVoiceCreationJob(c.voice, c.job, {}, {.max_kept = kSlots});
      if (r && r->created) {
        ++created;
      } else if (!r && r.error().code == ErrorCode::kResourceExhausted) {
        ++refused;
      } else {
        ADD_FAILURE() << (r ? "not created" : r.error().ToString());
      }
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), kSlots);
  EXPECT_EQ(refused.load(), kThreads - kSlots);
  VOX_ASSERT_OK_AND_ASSIGN(auto voices, store_->ListVoices(u.id, /*include_builtin=*/false));
  EXPECT_EQ(voices.size(), static_cast<size_t>(kSlots));
}

}  // namespace vox::store::testing
