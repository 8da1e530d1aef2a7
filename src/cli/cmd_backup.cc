// vox backup / vox restore: the embedded shape's data directory to one
// archive and back (src/backup). Scale-out data lives in PostgreSQL and S3,
// which deploy/backup/ backs up with their own tools. With encryption at rest
// (VOX_ENCRYPTION_KEY_FILE) the archive is encrypted with the same keys.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "backup/backup.h"
#include "cli/commands.h"
#include "cli/errors.h"

namespace vox::cli {
namespace {

struct BackupOptions {
  std::string data_dir = "data";
  std::string archive;
  std::string database_url, storage_url;
  std::string key_file;  // VOX_ENCRYPTION_KEY_FILE
  bool force = false;
};

// Only the embedded layout (DATA/vox.db, DATA/blobs) is in an archive: a
// backup that silently skipped a PostgreSQL database would be worse than none.
void RequireEmbedded(const char* command, const BackupOptions& o) {
  const std::string hint = " is not backed up by vox backup; see deploy/backup/README.md";
  if (!o.database_url.empty() && o.database_url != "sqlite://" + o.data_dir + "/vox.db") {
    Fail(command, Error{ErrorCode::kInvalidArgument,
                        o.database_url.substr(0, o.database_url.find(':')) + " database" + hint,
                        "VOX_DATABASE_URL"});
  }
  if (!o.storage_url.empty() && o.storage_url != "file://" + o.data_dir + "/blobs") {
    Fail(command, Error{ErrorCode::kInvalidArgument,
                        "storage " + o.storage_url.substr(0, o.storage_url.find(':')) + hint,
                        "VOX_STORAGE_URL"});
  }
}

// The keys of encryption at rest, when a key file is given.
std::optional<blob::EncryptionKeys> LoadKeys(const char* command, const BackupOptions& o) {
  if (o.key_file.empty()) return std::nullopt;
  auto keys = blob::EncryptionKeys::Load(o.key_file, "VOX_ENCRYPTION_KEY_FILE");
  if (!keys) Fail(command, keys.error());
  return std::move(*keys);
}

void PrintSummary(const backup::BackupSummary& s, const std::string& archive) {
  std::cout << nlohmann::json{{"archive", archive},
                              {"files", s.files},
                              {"bytes", s.bytes},
                              {"created_at", s.created_at_ms},
                              {"encryption_key",
                               s.key_id.empty() ? nlohmann::json() : nlohmann::json(s.key_id)}}
                   .dump()
            << std::endl;
}

void AddDataOption(CLI::App& cmd, BackupOptions& o, const char* what) {
  cmd.add_option("--data", o.data_dir, what)->envname("VOX_DATA_DIR")->capture_default_str();
  cmd.add_option("--database-url", o.database_url, "Must be the data directory's SQLite database")
      ->envname("VOX_DATABASE_URL");
  cmd.add_option("--storage-url", o.storage_url, "Must be the data directory's blobs/")
      ->envname("VOX_STORAGE_URL");
  cmd.add_option("--encryption-key-file", o.key_file,
                 "Keys of encryption at rest (see `vox encryption`): a backup is encrypted with "
                 "the first; a restore needs the one the backup names")
      ->envname("VOX_ENCRYPTION_KEY_FILE");
}

}  // namespace

void AddBackupCommands(CLI::App& app) {
  auto b = std::make_shared<BackupOptions>();
  CLI::App* backup = app.add_subcommand(
      "backup",
      "Write the data directory (a consistent database snapshot, the secret, the audio) to one "
      "archive, encrypted when VOX_ENCRYPTION_KEY_FILE is set; safe while vox serve runs. "
      "Prints a JSON summary.");
  AddDataOption(*backup, *b, "Data directory to back up");
  backup->add_option("--out", b->archive, "Archive to write (.tar.gz)")->required();
  backup->callback([b] {
    RequireEmbedded("backup", *b);
    auto keys = LoadKeys("backup", *b);
    auto summary = backup::WriteBackup(b->data_dir, b->archive, keys ? &*keys : nullptr);
    if (!summary) Fail("backup", summary.error());
    PrintSummary(*summary, b->archive);
  });

  auto r = std::make_shared<BackupOptions>();
  CLI::App* restore = app.add_subcommand(
      "restore",
      "Restore a backup into a data directory, after checking every file; a damaged archive "
      "changes nothing. Prints a JSON summary.");
  AddDataOption(*restore, *r, "Data directory to restore into (missing or empty)");
  restore->add_option("--from", r->archive, "Archive written by vox backup")->required();
  restore->add_flag("--force", r->force,
                    "Replace a non-empty data directory (no vox running on it)");
  restore->callback([r] {
    RequireEmbedded("restore", *r);
    auto keys = LoadKeys("restore", *r);
    auto summary =
        backup::RestoreBackup(r->archive, r->data_dir, r->force, keys ? &*keys : nullptr);
    if (!summary) Fail("restore", summary.error());
    PrintSummary(*summary, r->archive);
  });
}

}  // namespace vox::cli
