// Conformance: one-time consent challenges and used consent recordings (schema 10).
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/uuid.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

ConsentChallenge MakeChallenge(const std::string& user_id, int64_t created_at, int64_t ttl_ms) {
  ConsentChallenge c;
  c.user_id = user_id;
  c.key_id = "key-1";
  c.speaker_name = "Jane Doe";
  c.challenge = "seven two nine four one six";
  c.created_at = created_at;
  c.expires_at = created_at + ttl_ms;
  return c;
}

ConsentUse Use(const ConsentChallenge& c, const std::string& user_id, const std::string& hash,
               int64_t at) {
  return ConsentUse{c.id, user_id, NewUuid(), hash, at};
}

TEST_P(StoreConformance, ConsentChallengeIsBoundToItsUserAndReadBack) {
  User alice = AddUser("alice");
  User bob = AddUser("bob");
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge c,
                           store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 600000)));
  EXPECT_TRUE(c.id.starts_with("chl_")) << c.id;
  EXPECT_EQ(c.id.size(), 28u);
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge got, store_->GetConsentChallenge(c.id, alice.id));
  EXPECT_EQ(got.challenge, "seven two nine four one six");
  EXPECT_EQ(got.speaker_name, "Jane Doe");
  EXPECT_EQ(got.key_id, "key-1");
  EXPECT_EQ(got.expires_at, 601000);
  EXPECT_FALSE(got.used_at);
  EXPECT_EQ(CodeOf(store_->GetConsentChallenge(c.id, bob.id)), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(store_->GetConsentChallenge("chl_nope", alice.id)), ErrorCode::kNotFound);

  EXPECT_EQ(CodeOf(store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 0))),
            ErrorCode::kInvalidArgument);
  ConsentChallenge no_words = MakeChallenge(alice.id, 1000, 10);
  no_words.challenge.clear();
  EXPECT_EQ(CodeOf(store_->CreateConsentChallenge(no_words)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(store_->CreateConsentChallenge(MakeChallenge(NewUuid(), 1000, 10))),
            ErrorCode::kInvalidArgument);  // no such user
  ConsentChallenge taken = MakeChallenge(alice.id, 1000, 10);
  taken.id = c.id;
  EXPECT_EQ(CodeOf(store_->CreateConsentChallenge(taken)), ErrorCode::kAlreadyExists);
}

TEST_P(StoreConformance, ConsentChallengeIsUsedOnceByItsUserBeforeItExpires) {
  User alice = AddUser("alice");
  User bob = AddUser("bob");
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge c,
                           store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 600000)));
  // Bob cannot spend Alice's challenge; nothing changes.
  auto foreign = store_->UseConsent(Use(c, bob.id, "aa", 2000));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, ErrorCode::kNotFound);

  const ConsentUse first = Use(c, alice.id, "aa", 2000);
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge used, store_->UseConsent(first));
  EXPECT_EQ(used.used_at, 2000);
  EXPECT_EQ(used.voice_id, first.voice_id);

  auto again = store_->UseConsent(Use(c, alice.id, "bb", 3000));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message.find("already used"), std::string::npos);

  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge late,
                           store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 1000)));
  auto expired = store_->UseConsent(Use(late, alice.id, "cc", 2000));  // expires_at == at
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  VOX_ASSERT_OK_AND_ASSIGN(late, store_->GetConsentChallenge(late.id, alice.id));
  EXPECT_FALSE(late.used_at);
}

TEST_P(StoreConformance, ConsentRecordingIsUsedOnceAcrossUsers) {
  User alice = AddUser("alice");
  User bob = AddUser("bob");
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge a,
                           store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 600000)));
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge b,
                           store_->CreateConsentChallenge(MakeChallenge(bob.id, 1000, 600000)));
  VOX_ASSERT_OK(store_->UseConsent(Use(a, alice.id, "same-hash", 2000)));
  auto replay = store_->UseConsent(Use(b, bob.id, "same-hash", 2000));
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code, ErrorCode::kAlreadyExists);
  // The refused use left Bob's challenge unused.
  VOX_ASSERT_OK_AND_ASSIGN(b, store_->GetConsentChallenge(b.id, bob.id));
  EXPECT_FALSE(b.used_at);
  VOX_ASSERT_OK(store_->UseConsent(Use(b, bob.id, "other-hash", 2000)));
}

TEST_P(StoreConformance, ReleasedConsentCanBeUsedAgain) {
  User alice = AddUser("alice");
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge c,
                           store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 600000)));
  const ConsentUse use = Use(c, alice.id, "hash", 2000);
  VOX_ASSERT_OK(store_->UseConsent(use));
  VOX_ASSERT_OK(store_->ReleaseConsent(use.voice_id));
  VOX_ASSERT_OK(store_->ReleaseConsent(use.voice_id));  // idempotent
  VOX_ASSERT_OK_AND_ASSIGN(c, store_->GetConsentChallenge(c.id, alice.id));
  EXPECT_FALSE(c.used_at);
  EXPECT_FALSE(c.voice_id);
  VOX_ASSERT_OK(store_->UseConsent(use));
}

TEST_P(StoreConformance, ConcurrentUsesOfOneChallengeAcceptOne) {
  User alice = AddUser("alice");
  VOX_ASSERT_OK_AND_ASSIGN(
      ConsentChallenge c, store_->CreateConsentChallenge(MakeChallenge(alice.id, NowMs(), 600000)));
  constexpr int kRacers = 6;
  std::vector<Result<ConsentChallenge>> results(kRacers, std::unexpected(Error{}));
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      // Different recordings: only the challenge is contended.
      results[i] = store_->UseConsent(Use(c, alice.id, "hash-" + std::to_string(i), 0));
    });
  }
  for (auto& t : threads) t.join();
  int accepted = 0;
  for (const auto& r : results) {
    if (r) {
      ++accepted;
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition) << r.error().message;
    }
  }
  EXPECT_EQ(accepted, 1);
}

TEST_P(StoreConformance, ExpiredUnusedChallengesAreDeleted) {
  User alice = AddUser("alice");
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge old,
                           store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 1000)));
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge used,
                           store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 1000)));
  VOX_ASSERT_OK_AND_ASSIGN(ConsentChallenge fresh,
                           store_->CreateConsentChallenge(MakeChallenge(alice.id, 1000, 600000)));
  VOX_ASSERT_OK(store_->UseConsent(Use(used, alice.id, "h", 1500)));
  VOX_ASSERT_OK_AND_ASSIGN(int64_t deleted, store_->DeleteExpiredConsentChallenges(5000));
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(CodeOf(store_->GetConsentChallenge(old.id, alice.id)), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->GetConsentChallenge(used.id, alice.id));
  EXPECT_TRUE(store_->GetConsentChallenge(fresh.id, alice.id));
}

}  // namespace
}  // namespace vox::store::testing
