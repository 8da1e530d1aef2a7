// Conformance: the audit log's hash chain (audit_chain.h) on every backend —
// appends chain, concurrent appenders keep one chain, migration 5 chains old
// rows, and verification names the row that was edited, deleted or reordered.
// Tampering is done the way an intruder would: SQL on the tables.
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/audit_chain.h"
#include "store/audit_monitor.h"
#include "store/audit_verify.h"
#include "store/sql/migrator.h"
#include "store/sql/sql_store.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

AuditEvent Event(int i) {
  AuditEvent e;
  e.at = 1'700'000'000'000 + i;
  e.actor_user_id = i % 3 == 0 ? std::nullopt : std::optional<std::string>("user-1");
  e.action = "job.create";
  e.target_type = "job";
  e.target_id = "job-" + std::to_string(i);
  e.request_id = "req-" + std::to_string(i);
  e.detail = R"({"i":)" + std::to_string(i) + "}";
  return e;
}

// Runs SQL on the store's database, behind its back.
void Tamper(Store& store, const std::string& script) {
  auto* sql_store = dynamic_cast<sql::SqlStore*>(&store);
  ASSERT_NE(sql_store, nullptr);
  Status ran = sql::RunOn(sql_store->backend(), sql::Access::kWrite,
                          [&](sql::Session& s) -> Status { return s.Exec(script); });
  ASSERT_TRUE(ran) << script << ": " << ran.error().ToString();
}

class AuditChainTest : public StoreConformance {
 protected:
  // Appends n events; returns their ids.
  std::vector<int64_t> Append(int n) {
    std::vector<int64_t> ids;
    for (int i = 0; i < n; ++i) {
      auto id = store_->AppendAudit(Event(i));
      EXPECT_TRUE(id) << id.error().ToString();
      ids.push_back(id.value_or(0));
    }
    return ids;
  }
  AuditVerdict Verify(AuditCursor from = {}) {
    auto v = VerifyAuditChain(*store_, std::move(from), /*page=*/2);  // pages meet the breaks
    EXPECT_TRUE(v) << v.error().ToString();
    return v.value_or(AuditVerdict{});
  }
  static std::string Id(int64_t id) { return std::to_string(id); }
};

TEST_P(AuditChainTest, AppendsLinkEachRowToTheOneBefore) {
  EXPECT_TRUE(Verify().ok);  // an empty log verifies, at the genesis hash
  EXPECT_EQ(Verify().cursor.head, kAuditGenesisHash);
  std::vector<int64_t> ids = Append(5);
  VOX_ASSERT_OK_AND_ASSIGN(auto rows, store_->ScanAudit(0, std::nullopt, 100));
  ASSERT_EQ(rows.size(), 5u);
  std::string prev(kAuditGenesisHash);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].id, ids[i]);
    EXPECT_EQ(rows[i].detail, Event(static_cast<int>(i)).detail);
    EXPECT_EQ(rows[i].prev_hash, prev);
    EXPECT_EQ(rows[i].hash, AuditRowHash(prev, Event(static_cast<int>(i))));
    prev = rows[i].hash;
  }
  AuditVerdict v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.cursor.rows, 5);
  EXPECT_EQ(v.cursor.last_id, ids.back());
  EXPECT_EQ(v.cursor.head, prev);
  // ListAudit carries the hashes too.
  VOX_ASSERT_OK_AND_ASSIGN(auto newest, store_->ListAudit(AuditQuery{.limit = 1}));
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].hash, prev);
}

TEST_P(AuditChainTest, ScanReadsOldestFirstAfterAnIdAndSinceATime) {
  std::vector<int64_t> ids = Append(5);
  VOX_ASSERT_OK_AND_ASSIGN(auto after, store_->ScanAudit(ids[1], std::nullopt, 2));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].id, ids[2]);
  EXPECT_EQ(after[1].id, ids[3]);
  VOX_ASSERT_OK_AND_ASSIGN(auto since, store_->ScanAudit(0, Event(3).at, 100));
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0].id, ids[3]);
  VOX_ASSERT_OK_AND_ASSIGN(auto found, store_->FindAuditByHash(since[1].hash));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, ids[4]);
  VOX_ASSERT_OK_AND_ASSIGN(auto none, store_->FindAuditByHash(std::string(kAuditGenesisHash)));
  EXPECT_FALSE(none.has_value());
}

// Many appenders at once, each on its own connection where the backend has
// a database others can open (SQLite file: its own writer; PostgreSQL: its
// own pool), must still build one chain: no two rows after the same head.
TEST_P(AuditChainTest, ConcurrentAppendersKeepOneChain) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < kThreads && GetParam().persistent; ++t) {
    VOX_ASSERT_OK_AND_ASSIGN(auto s, GetParam().open(dir_));
    stores.push_back(std::move(s));
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    Store& store = stores.empty() ? *store_ : *stores[static_cast<size_t>(t)];
    threads.emplace_back([&store, &failures, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!store.AppendAudit(Event(t * 1000 + i))) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  AuditVerdict v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.cursor.rows, kThreads * kEach);
}

TEST_P(AuditChainTest, AnEditedRowIsNamed) {
  std::vector<int64_t> ids = Append(5);
  Tamper(*store_, R"(UPDATE audit SET detail = '{"i":99}' WHERE id = )" + Id(ids[2]));
  AuditVerdict v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_id, ids[2]);
  EXPECT_EQ(v.problem, "row " + Id(ids[2]) + " was edited: its content no longer matches its hash");
  EXPECT_EQ(v.cursor.last_id, ids[1]);  // the intact prefix
  EXPECT_EQ(v.cursor.rows, 2);
  // Put back byte for byte, it verifies again: the hash is over exact content.
  Tamper(*store_, R"(UPDATE audit SET detail = '{"i":2}' WHERE id = )" + Id(ids[2]));
  EXPECT_TRUE(Verify().ok);
  // An edited actor, from someone to nobody, shows too.
  Tamper(*store_, "UPDATE audit SET actor_user_id = NULL WHERE id = " + Id(ids[4]));
  EXPECT_EQ(Verify().bad_id, ids[4]);
}

TEST_P(AuditChainTest, ADeletedRowIsNamedByItsNeighbours) {
  std::vector<int64_t> ids = Append(5);
  Tamper(*store_, "DELETE FROM audit WHERE id = " + Id(ids[2]));
  AuditVerdict v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_id, ids[3]);
  EXPECT_NE(
      v.problem.find("rows were deleted between row " + Id(ids[1]) + " and row " + Id(ids[3])),
      std::string::npos)
      << v.problem;
  // The first row too: the next one no longer starts from the genesis hash.
  Tamper(*store_, "DELETE FROM audit WHERE id <= " + Id(ids[1]));
  v = Verify();
  EXPECT_EQ(v.bad_id, ids[3]);
  EXPECT_NE(v.problem.find("between the start and row " + Id(ids[3])), std::string::npos)
      << v.problem;
}

TEST_P(AuditChainTest, ReorderedRowsAreNamed) {
  std::vector<int64_t> ids = Append(5);
  // Swap rows 2 and 3 (whole rows, hashes included) by their ids.
  Tamper(*store_, "UPDATE audit SET id = -1 WHERE id = " + Id(ids[1]) + ";" +
                      "UPDATE audit SET id = " + Id(ids[1]) + " WHERE id = " + Id(ids[2]) + ";" +
                      "UPDATE audit SET id = " + Id(ids[2]) + " WHERE id = -1");
  AuditVerdict v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_id, ids[1]);
  EXPECT_EQ(v.problem, "row " + Id(ids[1]) + " is out of order: it chains from row " + Id(ids[2]) +
                           ", which comes after it (rows were reordered)");
}

TEST_P(AuditChainTest, VerifiesOnlyNewRowsFromACursor) {
  Append(3);
  AuditVerdict first = Verify();
  ASSERT_TRUE(first.ok);
  std::vector<int64_t> more = Append(2);
  AuditVerdict next = Verify(first.cursor);
  EXPECT_TRUE(next.ok) << next.problem;
  EXPECT_EQ(next.cursor.rows, 5);
  EXPECT_EQ(next.cursor.last_id, more.back());
  // Nothing new: still fine, the same head.
  EXPECT_EQ(Verify(next.cursor).cursor.head, next.cursor.head);
  // The head that was verified is gone (the tail was cut): the cursor shows it.
  Tamper(*store_, "DELETE FROM audit WHERE id = " + Id(more.back()));
  AuditVerdict cut = Verify(next.cursor);
  EXPECT_FALSE(cut.ok);
  EXPECT_EQ(cut.bad_id, more.back());
  EXPECT_NE(cut.problem.find("was deleted or changed since"), std::string::npos) << cut.problem;
}

TEST_P(AuditChainTest, MonitorTurnsInvalidOnTamperingAndBackWhenRestored) {
  AuditChainMonitor monitor(*store_);
  EXPECT_EQ(monitor.valid(), std::nullopt);
  Append(2);
  EXPECT_EQ(monitor.Check(), true);
  std::vector<int64_t> ids = Append(1);
  Tamper(*store_, "UPDATE audit SET at = 0 WHERE id = " + Id(ids[0]));
  EXPECT_EQ(monitor.Check(), false);
  EXPECT_EQ(monitor.cursor().rows, 2);  // stays at the last intact row
  EXPECT_EQ(monitor.Check(), false);
  Tamper(*store_,
         "UPDATE audit SET at = " + std::to_string(Event(0).at) + " WHERE id = " + Id(ids[0]));
  EXPECT_EQ(monitor.Check(), true);
  EXPECT_EQ(monitor.cursor().rows, 3);
  // Its thread checks at once, then every interval.
  Append(1);
  monitor.Start(std::chrono::milliseconds(20));
  for (int i = 0; i < 200 && monitor.cursor().rows < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(monitor.cursor().rows, 4);
  monitor.Stop();
}

// Migration 5 chains the rows a version-4 database already had, in id order.
TEST_P(AuditChainTest, MigrationChainsExistingRows) {
  std::filesystem::create_directories(dir_ + "/v4");
  VOX_ASSERT_OK_AND_ASSIGN(auto old, GetParam().open(dir_ + "/v4"));
  auto* sql_store = dynamic_cast<sql::SqlStore*>(old.get());
  ASSERT_NE(sql_store, nullptr);
  sql::Backend& backend = sql_store->backend();
  VOX_ASSERT_OK(sql::RunOn(backend, sql::Access::kWrite, [&](sql::Session& s) -> Status {
    return sql::ApplyMigrations(s, backend.schema(), kT0, 4);
  }));
  for (int i = 0; i < 3; ++i) {
    AuditEvent e = Event(i);
    Tamper(*old,
           "INSERT INTO audit (at, actor_user_id, action, target_type, target_id, "
           "request_id, detail) VALUES (" +
               std::to_string(e.at) + ", " +
               (e.actor_user_id ? "'" + *e.actor_user_id + "'" : "NULL") + ", '" + e.action +
               "', '" + e.target_type + "', '" + e.target_id + "', '" + e.request_id + "', '" +
               e.detail + "')");
  }
  VOX_ASSERT_OK(old->Migrate());
  VOX_ASSERT_OK_AND_ASSIGN(auto rows, old->ScanAudit(0, std::nullopt, 100));
  ASSERT_EQ(rows.size(), 3u);
  std::string prev(kAuditGenesisHash);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].prev_hash, prev);
    EXPECT_EQ(rows[i].hash, AuditRowHash(prev, Event(static_cast<int>(i))));
    prev = rows[i].hash;
  }
  VOX_ASSERT_OK(old->AppendAudit(Event(3)));  // and the chain goes on from there
  VOX_ASSERT_OK_AND_ASSIGN(auto v, VerifyAuditChain(*old));
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.cursor.rows, 4);
}

INSTANTIATE_TEST_SUITE_P(store_backends, AuditChainTest, ::testing::ValuesIn(StoreBackends()),
                         [](const ::testing::TestParamInfo<StoreBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace vox::store::testing
