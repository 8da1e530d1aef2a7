// PostgreSQL-specific behaviour the conformance suite cannot express: URL
// options, the pool's bound, timeouts, concurrent migrations and claims from
// separate Store instances (as separate processes would), and recovery after
// the server restarts. Each test starts its own throwaway server.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/testing/pg_test_server.h"
#include "store/postgres/pg_url.h"
#include "store/sql/sql_store.h"
#include "store/store.h"
#include "store/store_backend_checks.h"

namespace vox::store::postgres {
namespace {

using sql::DbErrc;
using testing::PgTestServer;

TEST(PostgresUrlTest, VoxOptionsAreStrippedAndOthersPassThrough) {
  auto o = ParsePostgresUrl(
      "postgresql://u:pw@h:5432/db?sslmode=disable&pool_size=3&statement_timeout_ms=250");
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(o->conninfo, "postgresql://u:pw@h:5432/db?sslmode=disable");
  EXPECT_EQ(o->max_size, 3);
  EXPECT_EQ(o->statement_timeout_ms, 250);
  auto plain = ParsePostgresUrl("postgres://h/db");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->conninfo, "postgres://h/db");
  EXPECT_EQ(plain->max_size, 8);
  auto bad = ParsePostgresUrl("postgresql://h/db?pool_size=0");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "VOX_DATABASE_URL");
}

TEST(PostgresUrlTest, SqlStatesMapToErrorCodes) {
  EXPECT_EQ(CodeForSqlState("23505"), DbErrc::kUniqueViolation);
  EXPECT_EQ(CodeForSqlState("23503"), DbErrc::kForeignKeyViolation);
  EXPECT_EQ(CodeForSqlState("23514"), DbErrc::kConstraintViolation);
  EXPECT_EQ(CodeForSqlState("08006"), DbErrc::kUnavailable);
  EXPECT_EQ(CodeForSqlState("57P01"), DbErrc::kUnavailable);
  EXPECT_EQ(CodeForSqlState("40P01"), DbErrc::kUnavailable);
  EXPECT_EQ(CodeForSqlState("42601"), DbErrc::kInternal);
}

TEST(PostgresUrlTest, PlaceholdersBecomeDollarsOutsideQuotes) {
  EXPECT_EQ(ToPostgresPlaceholders("SELECT a FROM t WHERE b = ?1 AND c = CAST(?12 AS TEXT)"),
            "SELECT a FROM t WHERE b = $1 AND c = CAST($12 AS TEXT)");
  EXPECT_EQ(ToPostgresPlaceholders("SELECT '?1', \"?2\" FROM t WHERE x = ?3"),
            "SELECT '?1', \"?2\" FROM t WHERE x = $3");
  EXPECT_EQ(ToPostgresPlaceholders("SELECT 'it''s ?1' WHERE y = ?2"),
            "SELECT 'it''s ?1' WHERE y = $2");
}

TEST(PostgresStoreTest, UnreachableServerIsUnavailableAndHidesThePassword) {
  const auto t0 = std::chrono::steady_clock::now();
  // Port 1 on loopback: nothing listens, the connect is refused at once.
  auto store = OpenStore("postgresql://vox:s3cret-pw@127.0.0.1:1/vox?connect_timeout=2");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().field, "VOX_DATABASE_URL");
  EXPECT_EQ(store.error().ToString().find("s3cret-pw"), std::string::npos)
      << store.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

class PostgresServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = PgTestServer::Start();
    if (!started && started.error().code == ErrorCode::kUnavailable && !getenv("CI")) {
      GTEST_SKIP() << started.error().ToString();
    }
    ASSERT_TRUE(started) << started.error().ToString();
    server_ = std::move(*started);
  }

  std::unique_ptr<Store> Open(const std::string& options = "") {
    auto store = OpenStore(server_->url() + options);
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  std::unique_ptr<PgTestServer> server_;
};

TEST_F(PostgresServerTest, StatementTimeoutEndsALongQueryAsUnavailable) {
  auto conn = Connection::Open(server_->url(), 3, 100);
  ASSERT_TRUE(conn) << conn.error().ToString();
  auto slow = (*conn)->Query("SELECT pg_sleep(5)");
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code, DbErrc::kUnavailable) << slow.error().ToString();
  EXPECT_TRUE((*conn)->Query("SELECT 1"));  // the connection is still usable
}

TEST_F(PostgresServerTest, ConcurrentMigrationsFromSeveralStoresApplyOnce) {
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 4; ++i) stores.push_back(Open());
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (auto& s : stores) {
    threads.emplace_back([&, st = s.get()] {
      if (!st->Migrate()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto version = stores[0]->SchemaVersion();
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, stores[0]->LatestSchemaVersion());
  EXPECT_TRUE(stores[1]->Migrate());  // idempotent afterwards too
}

TEST_F(PostgresServerTest, UpgradesAVersion1DatabaseKeepingItsRows) {
  auto conn = Connection::Open(server_->url(), 3, 10000);
  ASSERT_TRUE(conn) << conn.error().ToString();
  PgSession session(**conn);
  store::testing::ExpectVersion1Upgrade(session, PostgresSchema(), [&] { return Open(); });
}

TEST_F(PostgresServerTest, TwoStoresClaimEachJobExactlyOnce) {
  auto a = Open("?pool_size=4");
  auto b = Open("?pool_size=4");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Migrate());
  store::testing::ExpectTwoStoresClaimEachJobOnce(*a, *b, 8);
}

TEST_F(PostgresServerTest, PoolNeverOpensMoreThanItsBound) {
  auto opened = PostgresBackend::Open(PoolOptions{.conninfo = server_->url(), .max_size = 2});
  ASSERT_TRUE(opened) << opened.error().ToString();
  Pool& pool = (*opened)->pool();
  sql::SqlStore store(std::move(*opened));
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0, max_open = 0;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (!store.Ping()) ++failures;
        int n = pool.open_count();
        int prev = max_open.load();
        while (n > prev && !max_open.compare_exchange_weak(prev, n)) {
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_LE(max_open, 2);
  EXPECT_GE(max_open, 1);
}

TEST_F(PostgresServerTest, ServerRestartGivesUnavailableThenRecoversWithoutReopening) {
  auto store = Open("?connect_timeout=2&statement_timeout_ms=2000");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Migrate());
  auto user = store->CreateUser(User{.name = "before"});
  ASSERT_TRUE(user);

  ASSERT_TRUE(server_->Pause());
  for (int i = 0; i < 3; ++i) {  // the stale connection, then refused reconnects
    const auto t0 = std::chrono::steady_clock::now();
    auto got = store->GetUser(user->id);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::kUnavailable) << got.error().ToString();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  }
  auto write = store->CreateUser(User{.name = "during"});
  ASSERT_FALSE(write);
  EXPECT_EQ(write.error().code, ErrorCode::kUnavailable);

  ASSERT_TRUE(server_->Resume());
  auto again = store->GetUser(user->id);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->name, "before");
  EXPECT_TRUE(store->CreateUser(User{.name = "after"}));
  EXPECT_TRUE(store->Ping());
}

}  // namespace
}  // namespace vox::store::postgres
