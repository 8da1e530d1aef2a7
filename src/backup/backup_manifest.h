// What a backup archive holds, and the names it may hold: the last entry,
// MANIFEST.json, lists every other file with its size and SHA-256, so a
// restore can tell a whole archive from a truncated or altered one.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct archive;  // libarchive's handle

namespace vox::backup {

inline constexpr std::string_view kManifestName = "MANIFEST.json";
inline constexpr std::string_view kDatabaseName = "vox.db";
inline constexpr std::string_view kSecretName = "secret";
inline constexpr std::string_view kBlobsDir = "blobs";
inline constexpr int kFormatVersion = 1;

struct ManifestEntry {
  std::string path;  // relative to the data directory, '/'-separated
  uint64_t size = 0;
  std::string sha256;  // lower-case hex

  bool operator==(const ManifestEntry&) const = default;
};

struct Manifest {
  int64_t created_at_ms = 0;
  std::vector<ManifestEntry> files;
};

std::string ManifestJson(const Manifest& manifest);
// Refuses anything but this format's manifest, with a message naming the problem.
Result<Manifest> ParseManifest(std::string_view json);

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
