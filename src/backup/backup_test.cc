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
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "backup/backup_manifest.h"
#include "blob/encrypted_format.h"

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

// Every entry of an archive, decompressed, in order.
std::vector<std::pair<std::string, std::string>> ReadEntries(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> entries;
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 1 << 16), ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
    archive_read_data(a, data.data(), data.size());
    entries.emplace_back(archive_entry_pathname(e), std::move(data));
  }
  archive_read_free(a);
  return entries;
}

std::string Concatenated(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string all;
  for (const auto& [name, data] : entries) all += data;
  return all;
}

// With encryption at rest on: keys A (current) and, for rotations, B.
class EncryptedBackupTest : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    Exec(db_, "INSERT INTO keys(name) VALUES ('Jane Doe reads the quarterly numbers')");
    key_a_ = blob::NewEncryptionKeyBase64();
    key_b_ = blob::NewEncryptionKeyBase64();
    keys_ = Keys(key_a_);
    // A blob the encrypting blob store wrote: it goes into the archive as it is.
    WriteFile(data_ / "blobs/audio/cd/job3.mp3",
              blob::EncryptBlob("ID3 audio of job 3", keys_.current()));
  }
  static blob::EncryptionKeys Keys(const std::string& lines) {
    auto keys = blob::EncryptionKeys::Parse(lines, "VOX_ENCRYPTION_KEY_FILE");
    EXPECT_TRUE(keys) << keys.error().message;
    return std::move(*keys);
  }
  // The archive's manifest, and the archive rebuilt after `edit` changed its entries
  // (checksums recomputed, as someone rewriting a backup would).
  Manifest ArchiveManifest() {
    auto manifest = ParseManifest(ReadEntries(archive_).back().second);
    EXPECT_TRUE(manifest) << manifest.error().message;
    return *manifest;
  }
  std::string Rewritten(const std::function<void(std::string& db, Manifest& m)>& edit) {
    auto entries = ReadEntries(archive_);
    Manifest m = ArchiveManifest();
    std::string& db = entries.front().second;
    EXPECT_EQ(entries.front().first, "vox.db");
    edit(db, m);
    Sha256Stream hash;
    hash.Update(db.data(), db.size());
    m.files.front().sha256 = hash.HexDigest();
    entries.back().second = ManifestJson(m);
    const std::string out = (root_ / "rewritten.tar.gz").string();
    WriteArchive(out, entries);
    return out;
  }

  std::string key_a_, key_b_;
  blob::EncryptionKeys keys_;
};

TEST_F(EncryptedBackupTest, RoundTripKeepsNothingInClear) {
  // The same data backed up without a key holds the database's text in clear: the check bites.
  ASSERT_TRUE(WriteBackup(data_.string(), archive_));
  EXPECT_NE(Concatenated(ReadEntries(archive_)).find("quarterly numbers"), std::string::npos);
  EXPECT_EQ(ArchiveManifest().key_id, "");

  auto written = WriteBackup(data_.string(), archive_, &keys_);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->key_id, keys_.current().id);
  const auto entries = ReadEntries(archive_);
  const std::string all = Concatenated(entries);
  for (const std::string& clear :
       {std::string("quarterly numbers"), std::string("CREATE TABLE keys"),
        std::string("SQLite format 3"), std::string(48, 's'), std::string("RIFF....WAVE"),
        std::string(64, '\x7f'), std::string("ID3 audio")}) {
    EXPECT_EQ(all.find(clear), std::string::npos) << clear.substr(0, 20);
  }
  const Manifest m = ArchiveManifest();
  EXPECT_EQ(m.key_id, keys_.current().id);
  std::map<std::string, bool> sealed;
  for (const auto& f : m.files) sealed[f.path] = f.sealed;
  EXPECT_EQ(sealed, (std::map<std::string, bool>{{"vox.db", true},
                                                 {"secret", true},
                                                 {"blobs/audio/ab/job1.mp3", true},
                                                 {"blobs/audio/cd/job3.mp3", false},
                                                 {"blobs/voices/v1/consent.wav", true}}));

  const fs::path restored = root_ / "restored";
  auto read = RestoreBackup(archive_, restored.string(), false, &keys_);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->key_id, keys_.current().id);
  EXPECT_EQ(
      Rows(restored / "vox.db"),
      (std::vector<std::string>{"1:alice", "2:bob", "3:Jane Doe reads the quarterly numbers"}));
  for (const char* f : {"secret", "blobs/audio/ab/job1.mp3", "blobs/audio/cd/job3.mp3",
                        "blobs/voices/v1/consent.wav"}) {
    EXPECT_EQ(ReadFile(restored / f), ReadFile(data_ / f)) << f;  // the store's own layout
  }
  EXPECT_FALSE(fs::exists(restored / ".unsealing"));
  ExpectOnly({"data", "backup.tar.gz", "restored"});
}

TEST_F(EncryptedBackupTest, RestoreNeedsTheKeyTheBackupNames) {
  ASSERT_TRUE(WriteBackup(data_.string(), archive_, &keys_));
  const std::string id = keys_.current().id;
  const fs::path target = root_ / "target";
  auto r = RestoreBackup(archive_, target.string(), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("encrypted with key " + id), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().field, "VOX_ENCRYPTION_KEY_FILE");
  const blob::EncryptionKeys other = Keys(key_b_);
  r = RestoreBackup(archive_, target.string(), false, &other);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(id + ", which the key file does not hold"), std::string::npos)
      << r.error().message;
  ExpectOnly({"data", "backup.tar.gz"});

  // A rotation put B first and kept A below it: the older backup still restores, and a new
  // one is made with B.
  const blob::EncryptionKeys rotated = Keys(key_b_ + "\n" + key_a_ + "\n");
  auto read = RestoreBackup(archive_, target.string(), false, &rotated);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->key_id, id);
  EXPECT_EQ(Rows(target / "vox.db").size(), 3u);
  auto newer = WriteBackup(data_.string(), (root_ / "newer.tar.gz").string(), &rotated);
  ASSERT_TRUE(newer);
  EXPECT_EQ(newer->key_id, other.current().id);
}

TEST_F(EncryptedBackupTest, AlteredSealedFileIsRefusedEvenWithMatchingChecksums) {
  ASSERT_TRUE(WriteBackup(data_.string(), archive_, &keys_));
  const fs::path target = root_ / "target";
  // One byte of the sealed database changed, the manifest's checksum made to agree.
  std::string altered = Rewritten([](std::string& db, Manifest&) { db[db.size() / 2] ^= 0x01; });
  auto r = RestoreBackup(altered, target.string(), false, &keys_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("vox.db does not decrypt"), std::string::npos)
      << r.error().message;
  ExpectOnly({"data", "backup.tar.gz", "rewritten.tar.gz"});

  // The manifest edited to say the database is not encrypted: refused too.
  altered = Rewritten([](std::string&, Manifest& m) { m.files.front().sealed = false; });
  r = RestoreBackup(altered, target.string(), false, &keys_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("vox.db is not encrypted"), std::string::npos)
      << r.error().message;
  ExpectOnly({"data", "backup.tar.gz", "rewritten.tar.gz"});

  // A target that exists keeps what it held.
  WriteFile(target / "vox.db", "an older database");
  r = RestoreBackup(altered, target.string(), true, &keys_);
  ASSERT_FALSE(r);
  EXPECT_EQ(ReadFile(target / "vox.db"), "an older database");
}

TEST_F(EncryptedBackupTest, ArchivesWithoutEncryptionStillRestoreWithAKeyFile) {
  ASSERT_TRUE(WriteBackup(data_.string(), archive_));
  EXPECT_NE(ReadEntries(archive_).back().second.find("\"version\": 1"), std::string::npos);
  auto read = RestoreBackup(archive_, (root_ / "r").string(), false, &keys_);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->key_id, "");
  EXPECT_EQ(Rows(root_ / "r/vox.db").size(), 3u);
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
