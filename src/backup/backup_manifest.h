// What a backup archive holds, and the names it may hold: the last entry,
// MANIFEST.json, lists every other file with its size and SHA-256, so a
// restore can tell a whole archive from a truncated or altered one.
//
// Version 1 holds the files as they are. Version 2 (written when encryption at
// rest is on) names the key in "encryption": {"key_id"}; its database and
// secret, and any blob that was not encrypted already, are stored in the
// encrypted layout of blob/encrypted_format.h ("sealed": true in their entry;
// size and SHA-256 are of the sealed bytes). Blobs the blob store encrypted
// are stored as they are, and restored so.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backup/backup.h"
#include "common/status.h"

struct archive;  // libarchive's handle

namespace vox::backup {

inline constexpr std::string_view kManifestName = "MANIFEST.json";
inline constexpr std::string_view kDatabaseName = "vox.db";
inline constexpr std::string_view kSecretName = "secret";
inline constexpr std::string_view kBlobsDir = "blobs";
inline constexpr int kFormatVersion = 1;
inline constexpr int kEncryptedFormatVersion = 2;

struct ManifestEntry {
  std::string path;  // relative to the data directory, '/'-separated
  uint64_t size = 0;
  std::string sha256;   // lower-case hex
  bool sealed = false;  // stored encrypted by the backup: a restore decrypts it

  bool operator==(const ManifestEntry&) const = default;
};

struct Manifest {
  int64_t created_at_ms = 0;
  std::string key_id;  // the encryption key of the sealed entries; empty: version 1
  std::vector<ManifestEntry> files;
};

std::string ManifestJson(const Manifest& manifest);
// Refuses anything but this format's manifest (either version), with a message naming the
// problem: a version 2 manifest without its key, or a version 1 manifest with sealed entries.
Result<Manifest> ParseManifest(std::string_view json);

// What `vox backup` and `vox restore` report of an archive with `manifest`.
BackupSummary Summarize(const Manifest& manifest);

// True for the names a backup may contain: the database, the secret, and
// files under blobs/ with no empty, "." or ".." component. Everything a
// restore writes passes this first, so an archive cannot write outside its folder.
bool IsBackupPath(std::string_view path);

// libarchive's message for its last error (it may have none).
std::string ArchiveMessage(::archive* a);

// SHA-256 over data fed in pieces.
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(const void* data, size_t size);
  std::string HexDigest();  // once, at the end

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace vox::backup
