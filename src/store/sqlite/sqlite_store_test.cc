// SQLite-specific behaviour: URLs, pragmas, files, locking between two
// handles on one file (as two processes would have), error mapping.
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "common/uuid.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_backend.h"
#include "store/store.h"
#include "store/store_backend_checks.h"
#include "store/store_conformance.h"

namespace vox::store {
namespace {

namespace fs = std::filesystem;
using testing::CodeOf;

User NamedUser(const std::string& name) {
  User u;
  u.name = name;
  return u;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vox-sqlite-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<Store> OpenMigrated(const std::string& url) {
    auto s = OpenStore(url);
    EXPECT_TRUE(s) << s.error().ToString();
    if (!s) return nullptr;
    auto m = (*s)->Migrate();
    EXPECT_TRUE(m) << m.error().ToString();
    return std::move(*s);
  }
  // Runs one statement on a raw connection and returns the first column as text.
  static std::string RawQuery(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }
  std::string dir_;
};

TEST_F(SqliteStoreTest, AbsoluteUrlCreatesAWalDatabaseWithTheSchema) {
  std::string path = dir_ + "/vox.db";
  auto store = OpenMigrated("sqlite://" + path);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  for (const char* table : {"users", "api_keys", "voices", "models", "jobs", "logs", "audit",
                            "cache_entries", "protected_voices", "schema_migrations"}) {
    EXPECT_EQ(
        RawQuery(path, std::string("SELECT name FROM sqlite_master WHERE name = '") + table + "'"),
        table);
  }
  for (const char* index : {"jobs_status", "jobs_created_at", "jobs_user", "jobs_lease"}) {
    EXPECT_EQ(RawQuery(path, std::string("SELECT tbl_name FROM sqlite_master WHERE type = "
                                         "'index' AND name = '") +
                                 index + "'"),
              "jobs");
  }
  EXPECT_EQ(RawQuery(path, "SELECT applied_at > 0 FROM schema_migrations WHERE version = 1"), "1");
  EXPECT_EQ(RawQuery(path, "SELECT name FROM schema_migrations WHERE version = 2"),
            "voice cloning");
}

TEST_F(SqliteStoreTest, UpgradesAVersion1DatabaseKeepingItsRows) {
  std::string path = dir_ + "/vox.db";
  auto conn = sqlite::Connection::Open(path, false, 1000);
  ASSERT_TRUE(conn) << conn.error().ToString();
  sqlite::SqliteSession session(**conn);
  testing::ExpectVersion1Upgrade(session, sqlite::SqliteSchema(), [&] {
    auto opened = OpenStore("sqlite://" + path);
    EXPECT_TRUE(opened) << opened.error().ToString();
    return opened ? std::move(*opened) : nullptr;
  });
}

TEST_F(SqliteStoreTest, RelativeUrlIsRelativeToTheWorkingDirectory) {
  fs::path old = fs::current_path();
  fs::current_path(dir_);
  auto store = OpenStore("sqlite://sub.db?readers=2&busy_timeout_ms=100");
  fs::current_path(old);
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_TRUE(fs::exists(fs::path(dir_) / "sub.db"));
}

TEST_F(SqliteStoreTest, MemoryUrlsWork) {
  for (const char* url : {"sqlite::memory:", "sqlite://:memory:"}) {
    auto store = OpenMigrated(url);
    ASSERT_NE(store, nullptr) << url;
    EXPECT_TRUE(store->Ping());
  }
}

TEST_F(SqliteStoreTest, BadUrlsNameTheSetting) {
  for (const char* url :
       {"", "sqlite:", "sqlite://", "mysql://x/y", "vox.db", "sqlite:/x.db",
        "sqlite:///x.db?readers=0", "sqlite:///x.db?readers=abc", "sqlite:///x.db?colour=blue"}) {
    auto store = OpenStore(url);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(store.error().field, "VOX_DATABASE_URL") << url;
  }
  auto pg = OpenStore("postgresql://vox:secret@db.example/vox");
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(pg.error().message.find("secret"), std::string::npos);  // never echo credentials
  EXPECT_EQ(CodeOf(OpenStore("postgres://h/db")), ErrorCode::kUnavailable);
}

TEST_F(SqliteStoreTest, MissingDirectoryIsUnavailable) {
  auto store = OpenStore("sqlite://" + dir_ + "/no/such/dir/vox.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(store.error().message.find("no/such/dir"), std::string::npos);
}

TEST_F(SqliteStoreTest, RefusesADatabaseNewerThanTheBinary) {
  std::string path = dir_ + "/vox.db";
  auto store = OpenMigrated("sqlite://" + path);
  ASSERT_NE(store, nullptr);
  RawQuery(path, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'x', 1)");
  EXPECT_EQ(store->SchemaVersion().value_or(-1), 99);
  auto m = store->Migrate();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(m.error().message.find("newer"), std::string::npos);
}

TEST_F(SqliteStoreTest, TwoHandlesOnOneFileNeverClaimTheSameJob) {
  std::string url = "sqlite://" + dir_ + "/vox.db";
  auto a = OpenMigrated(url);
  auto b = OpenMigrated(url);  // a second "process": its own connections and mutex
  ASSERT_TRUE(a && b);
  testing::ExpectTwoStoresClaimEachJobOnce(*a, *b, 4);
}

TEST_F(SqliteStoreTest, ReadersSeeCommittedWritesAndAreNotBlockedByAWriter) {
  std::string path = dir_ + "/vox.db";
  auto store = OpenMigrated("sqlite://" + path + "?busy_timeout_ms=50");
  ASSERT_NE(store, nullptr);
  auto user = store->CreateUser(NamedUser("u"));
  ASSERT_TRUE(user);
  // Another process holds the write lock: reads still work (WAL), writes give
  // up after busy_timeout with kUnavailable, never hang or corrupt.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other,
                         "BEGIN IMMEDIATE; INSERT INTO users (id, name, created_at) "
                         "VALUES ('x', 'x', 1)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  auto got = store->GetUser(user->id);
  EXPECT_TRUE(got) << got.error().ToString();
  auto blocked = store->CreateUser(NamedUser("v"));
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, ErrorCode::kUnavailable) << blocked.error().ToString();
  sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_TRUE(store->GetUser("x"));  // committed by the other handle, visible at once
  EXPECT_TRUE(store->CreateUser(NamedUser("v")));
}

TEST(SqliteErrorTest, MapsResultCodes) {
  using sql::DbErrc;
  using sqlite::SqliteError;
  EXPECT_EQ(SqliteError(nullptr, SQLITE_BUSY, "x").code, DbErrc::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_LOCKED, "x").code, DbErrc::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_IOERR_WRITE, "x").code, DbErrc::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT_UNIQUE, "x").code, DbErrc::kUniqueViolation);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT_PRIMARYKEY, "x").code, DbErrc::kUniqueViolation);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT_FOREIGNKEY, "x").code,
            DbErrc::kForeignKeyViolation);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT_CHECK, "x").code, DbErrc::kConstraintViolation);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_MISUSE, "x").code, DbErrc::kInternal);
  // The store's contract for each kind (store.h).
  EXPECT_EQ(Error(SqliteError(nullptr, SQLITE_BUSY, "x")).code, ErrorCode::kUnavailable);
  EXPECT_EQ(Error(SqliteError(nullptr, SQLITE_CONSTRAINT_UNIQUE, "x")).code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(Error(SqliteError(nullptr, SQLITE_CONSTRAINT_FOREIGNKEY, "x")).code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Error(SqliteError(nullptr, SQLITE_MISUSE, "x")).code, ErrorCode::kInternal);
  EXPECT_NE(SqliteError(nullptr, SQLITE_BUSY, "claim").message.find("claim"), std::string::npos);
}

}  // namespace
}  // namespace vox::store
