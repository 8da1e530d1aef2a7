// `vox backup` and `vox restore` for the embedded shape's data directory
// (DATA/vox.db, DATA/secret, DATA/blobs/). The archive format is in
// backup_manifest.h; README.md says what is and is not in a backup.
#pragma once

#include <cstdint>
#include <string>

#include "blob/encryption_keys.h"
#include "common/status.h"

namespace vox::backup {

struct BackupSummary {
  int files = 0;       // the database and the secret included
  uint64_t bytes = 0;  // of the files as archived, before compression
  int64_t created_at_ms = 0;
  std::string key_id;  // the key the archive is encrypted with; empty: not encrypted
};

// Writes the archive to `out_path` (through a temporary file renamed into
// place: a failed backup leaves no file). Safe while a server writes to
// `data_dir`: the database is one snapshot; blobs are files written once, and
// one deleted while the backup runs is left out.
// With `keys` (encryption at rest, VOX_ENCRYPTION_KEY_FILE) the database, the
// secret and any blob the blob store did not encrypt are encrypted in the
// archive with the current key, named in the manifest; without, the archive
// holds them as they are.
Result<BackupSummary> WriteBackup(const std::string& data_dir, const std::string& out_path,
                                  const blob::EncryptionKeys* keys = nullptr);

// Restores an archive into `data_dir`, which must be missing or empty unless
// `force` (then its contents are replaced, refused while a vox process holds
// its lock). Every file is checked against the manifest and the database's
// integrity before anything is moved into place; on any error `data_dir` is
// left as it was. An encrypted archive needs `keys` holding the key its
// manifest names (kFailedPrecondition naming that key id otherwise); its files
// are decrypted back to the data directory's own layout, and one that does not
// authenticate is an error (kInvalidArgument, "--from").
Result<BackupSummary> RestoreBackup(const std::string& archive_path, const std::string& data_dir,
                                    bool force, const blob::EncryptionKeys* keys = nullptr);

}  // namespace vox::backup
