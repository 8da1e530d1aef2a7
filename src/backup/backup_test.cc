// vox backup / restore on real files: a live SQLite database, blobs, a secret;
// archives cut short, altered, or crafted to escape their folder.
#include "backup/backup.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "backup/backup_manifest.h"

namespace vox::backup {
namespace {
namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
}

std::vector<std::string> Rows(const fs::path& db_path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  std::vector<std::string> rows;
  sqlite3_exec(
      db, "SELECT id || ':' || name FROM keys ORDER BY id",
      [](void* out, int, char** v, char**) {
        static_cast<std::vector<std::string>*>(out)->push_back(v[0]);
        return 0;
      },
      &rows, nullptr);
  sqlite3_close(db);
  return rows;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("vox-backup-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    data_ = root_ / "data";
    fs::create_directories(data_);
    ASSERT_EQ(sqlite3_open((data_ / "vox.db").c_str(), &db_), SQLITE_OK);
    Exec(db_, "PRAGMA journal_mode=WAL");
    Exec(db_, "CREATE TABLE keys(id INTEGER PRIMARY KEY, name TEXT)");
    Exec(db_, "INSERT INTO keys(name) VALUES ('alice'), ('bob')");
    WriteFile(data_ / "secret", std::string(48, 's'));
    WriteFile(data_ / "blobs/audio/ab/job1.mp3", std::string(200000, '\x7f') + "end");
    WriteFile(data_ / "blobs/voices/v1/consent.wav", "RIFF....WAVE");
    WriteFile(data_ / "blobs/audio/ab/job2.mp3.tmp-123", "half-written");
    archive_ = (root_ / "backup.tar.gz").string();
  }
  void TearDown() override {
    sqlite3_close(db_);
    fs::remove_all(root_);
  }
  // Nothing but the named entries in root_: no staging or temporary leftovers.
  void ExpectOnly(std::set<std::string> names) {
    std::set<std::string> got;
    for (const auto& e : fs::directory_iterator(root_)) got.insert(e.path().filename());
    EXPECT_EQ(got, names);
  }

  fs::path root_, data_;
  std::string archive_;
  sqlite3* db_ = nullptr;
};

TEST_F(BackupTest, RestoresEverythingButTemporaries) {
  auto written = WriteBackup(data_.string(), archive_);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->files, 4);  // vox.db, secret, two blobs
  const fs::path restored = root_ / "restored";
  auto read = RestoreBackup(archive_, restored.string(), false);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->files, 4);
  EXPECT_EQ(Rows(restored / "vox.db"), (std::vector<std::string>{"1:alice", "2:bob"}));
  for (const char* f : {"secret", "blobs/audio/ab/job1.mp3", "blobs/voices/v1/consent.wav"}) {
    EXPECT_EQ(ReadFile(restored / f), ReadFile(data_ / f)) << f;
  }
  EXPECT_FALSE(fs::exists(restored / "blobs/audio/ab/job2.mp3.tmp-123"));
  EXPECT_FALSE(fs::exists(restored / "vox.db-wal"));  // the integrity check leaves nothing
  EXPECT_FALSE(fs::exists(restored / "vox.db-shm"));
  EXPECT_EQ(fs::status(restored).permissions() & fs::perms::all, fs::perms::owner_all);
  ExpectOnly({"data", "backup.tar.gz", "restored"});
}

TEST_F(BackupTest, SnapshotHoldsCommittedRowsOnly) {
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open((data_ / "vox.db").c_str(), &writer), SQLITE_OK);
  Exec(writer, "BEGIN IMMEDIATE; INSERT INTO keys(name) VALUES ('uncommitted')");
  auto written = WriteBackup(data_.string(), archive_);
  Exec(writer, "COMMIT");
  sqlite3_close(writer);
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_TRUE(RestoreBackup(archive_, (root_ / "r").string(), false));
  EXPECT_EQ(Rows(root_ / "r/vox.db"), (std::vector<std::string>{"1:alice", "2:bob"}));
}

TEST_F(BackupTest, TruncatedOrAlteredArchiveWritesNothing) {
  ASSERT_TRUE(WriteBackup(data_.string(), archive_));
  const std::string whole = ReadFile(archive_);
  const std::string bad = (root_ / "bad.tar.gz").string();
  for (size_t cut : {whole.size() - 30, whole.size() / 2, size_t{100}}) {
    WriteFile(bad, whole.substr(0, cut));
    auto r = RestoreBackup(bad, (root_ / "target").string(), false);
    ASSERT_FALSE(r) << "cut at " << cut;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
    ExpectOnly({"data", "backup.tar.gz", "bad.tar.gz"});
  }
  std::string flipped = whole;
  flipped[whole.size() / 3] ^= 0x55;
  WriteFile(bad, flipped);
  auto r = RestoreBackup(bad, (root_ / "target").string(), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "--from");
  ExpectOnly({"data", "backup.tar.gz", "bad.tar.gz"});
}

// An archive built by hand: `entries` in order, with an optional manifest listing them.
void WriteArchive(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_open_filename(a, path.c_str());
  for (const auto& [name, data] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0600);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

TEST_F(BackupTest, RefusesEntriesOutsideTheDataDirectoryAndMissingManifests) {
  const std::string db = ReadFile(data_ / "vox.db");
  Manifest m;
  m.files = {{"../escaped", 1, "00"}};
  const std::string crafted = (root_ / "crafted.tar.gz").string();
  WriteArchive(crafted, {{"vox.db", db}, {"../escaped", "x"}, {"MANIFEST.json", ManifestJson(m)}});
  auto r = RestoreBackup(crafted, (root_ / "t").string(), false);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unexpected entry ../escaped"), std::string::npos);
  WriteArchive(crafted, {{"vox.db", db}});
  r = RestoreBackup(crafted, (root_ / "t").string(), false);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no manifest"), std::string::npos) << r.error().message;
  ExpectOnly({"data", "crafted.tar.gz"});
}

TEST_F(BackupTest, NonEmptyTargetNeedsForceAndNoRunningServer) {
  ASSERT_TRUE(WriteBackup(data_.string(), archive_));
  const fs::path target = root_ / "busy";
  WriteFile(target / "vox.db", "an older database");
  auto r = RestoreBackup(archive_, target.string(), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ReadFile(target / "vox.db"), "an older database");

  int lock = ::open((target / "vox.lock").c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_EQ(::flock(lock, LOCK_EX), 0);  // as vox serve holds it
  r = RestoreBackup(archive_, target.string(), true);
  ::close(lock);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("stop it first"), std::string::npos);
  EXPECT_EQ(ReadFile(target / "vox.db"), "an older database");

  r = RestoreBackup(archive_, (target.string() + "/"), true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Rows(target / "vox.db"), (std::vector<std::string>{"1:alice", "2:bob"}));
  ExpectOnly({"data", "backup.tar.gz", "busy"});
}

TEST_F(BackupTest, MissingDatabaseOrUnwritableOutputFailsCleanly) {
  auto r = WriteBackup((root_ / "nothing").string(), archive_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "--data");
  r = WriteBackup(data_.string(), (root_ / "no/such/dir/b.tar.gz").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "--out");
  ExpectOnly({"data"});
}

TEST(BackupPathTest, OnlyDataDirectoryNames) {
  for (const char* ok : {"vox.db", "secret", "blobs/a", "blobs/audio/ab/c.mp3"}) {
    EXPECT_TRUE(IsBackupPath(ok)) << ok;
  }
  for (const char* bad : {"", "/etc/passwd", "../x", "blobs", "blobs/", "blobs/../vox.db",
                          "blobs/a//b", "blobs/./a", "vox.lock", "models/x.onnx"}) {
    EXPECT_FALSE(IsBackupPath(bad)) << bad;
  }
}

}  // namespace
}  // namespace vox::backup
