// WriteBackup: snapshot, then the files, then the manifest, into a pax tar.gz.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "backup/backup.h"
#include "backup/backup_manifest.h"
#include "backup/sqlite_snapshot.h"
#include "blob/encrypted_format.h"

namespace vox::backup {
namespace fs = std::filesystem;
namespace {

using Archive = std::unique_ptr<archive, decltype(&archive_write_free)>;

// Removes a temporary file unless the backup succeeded.
struct TempFile {
  std::string path;
  bool keep = false;
  ~TempFile() {
    if (!keep && !path.empty()) ::unlink(path.c_str());
  }
};

std::unexpected<Error> ArchiveError(archive* a, const std::string& what) {
  return MakeError(ErrorCode::kUnavailable, what + ": " + ArchiveMessage(a));
}

Status WriteHeader(archive* a, const std::string& name, uint64_t size, int64_t mtime) {
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                      &archive_entry_free);
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0600);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_mtime(entry.get(), mtime, 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) return ArchiveError(a, name);
  return {};
}

// How a file goes into the archive: as it is, or sealed with `key` (the
// database and the secret always; a blob only when the blob store did not
// encrypt it already, so nothing of a data directory is in clear).
struct Sealing {
  const blob::EncryptionKey* key = nullptr;  // null: as it is
  bool unless_encrypted = false;
};

// Adds `disk_path` as `name`. A file gone before it could be opened (a blob
// deleted meanwhile) is skipped: returns false, not an error.
Result<bool> AddFile(archive* a, const std::string& name, const std::string& disk_path,
                     Sealing sealing, Manifest& manifest) {
  int fd = ::open(disk_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return false;
  if (fd < 0) return MakeError(ErrorCode::kUnavailable, "cannot read " + disk_path);
  struct CloseFd {
    int fd;
    ~CloseFd() { ::close(fd); }
  } close_fd{fd};
  struct stat st {};
  ::fstat(fd, &st);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  bool seal = sealing.key != nullptr;
  if (seal && sealing.unless_encrypted) {
    char head[16];
    ssize_t n = ::pread(fd, head, sizeof head, 0);
    seal = !blob::LooksEncrypted(std::string_view(head, n > 0 ? static_cast<size_t>(n) : 0));
  }
  const uint64_t stored = seal ? blob::EncryptedSize(size) : size;
  VOX_RETURN_IF_ERROR(WriteHeader(a, name, stored, st.st_mtime));
  Sha256Stream hash;
  uint64_t total = 0;
  auto sink = [&](std::string_view bytes) -> Status {
    if (archive_write_data(a, bytes.data(), bytes.size()) !=
        static_cast<la_ssize_t>(bytes.size())) {
      return ArchiveError(a, name);
    }
    hash.Update(bytes.data(), bytes.size());
    total += bytes.size();
    return {};
  };
  // The header promised `stored` bytes: a file that grows is read no further.
  uint64_t left = size;
  auto source = [&](char* buf, size_t want) -> Result<size_t> {
    ssize_t n = ::read(fd, buf, static_cast<size_t>(std::min<uint64_t>(want, left)));
    if (n < 0) return MakeError(ErrorCode::kUnavailable, "cannot read " + disk_path);
    left -= static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  };
  if (seal) {
    VOX_RETURN_IF_ERROR(blob::SealStream(source, size, *sealing.key, sink, disk_path));
  } else {
    char buf[1 << 16];
    while (true) {
      VOX_ASSIGN_OR_RETURN(size_t n, source(buf, sizeof buf));
      if (n == 0) break;
      VOX_RETURN_IF_ERROR(sink(std::string_view(buf, n)));
    }
  }
  // A file that shrank would corrupt the tar.
  if (total != stored) {
    return MakeError(ErrorCode::kUnavailable, disk_path + " changed while it was read");
  }
  manifest.files.push_back({name, total, hash.HexDigest(), seal});
  return true;
}

// Blob files, sorted, without the blob store's in-progress temporaries.
std::vector<std::string> ListBlobs(const fs::path& blobs) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::is_directory(blobs, ec)) return names;
  for (auto it = fs::recursive_directory_iterator(blobs, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string rel = fs::relative(it->path(), blobs, ec).generic_string();
    if (rel.find(".tmp-") != std::string::npos) continue;
    names.push_back(std::string(kBlobsDir) + "/" + rel);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

Result<BackupSummary> WriteBackup(const std::string& data_dir, const std::string& out_path,
                                  const blob::EncryptionKeys* keys) {
  const fs::path data(data_dir);
  if (!fs::is_regular_file(data / kDatabaseName)) {
    return NotFound("no database at " + (data / kDatabaseName).string(), "--data");
  }
  Manifest manifest;
  manifest.created_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const blob::EncryptionKey* key = keys != nullptr ? &keys->current() : nullptr;
  if (key != nullptr) manifest.key_id = key->id;
  // Both temporaries beside the output: same file system, so the rename is atomic.
  TempFile out{out_path + ".tmp-XXXXXX"};
  int fd = ::mkstemp(out.path.data());
  if (fd < 0) {
    out.path.clear();
    return InvalidArgument("cannot write " + out_path, "--out");
  }
  // Encrypted, the plaintext snapshot stays in the data directory (which holds
  // vox.db in clear anyway), never beside the archive on the backup volume.
  TempFile snapshot{key != nullptr ? (data / ".backup-snapshot-XXXXXX").string()
                                   : out_path + ".db-XXXXXX"};
  int snap_fd = ::mkstemp(snapshot.path.data());
  if (snap_fd < 0) {
    ::close(fd);
    snapshot.path.clear();
    return key != nullptr ? InvalidArgument("cannot write in " + data_dir, "--data")
                          : InvalidArgument("cannot write beside " + out_path, "--out");
  }
  ::close(snap_fd);
  if (auto s = SnapshotSqlite((data / kDatabaseName).string(), snapshot.path); !s) {
    ::close(fd);
    return std::unexpected(s.error());
  }

  Archive a(archive_write_new(), &archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  archive_write_add_filter_gzip(a.get());
  if (archive_write_open_fd(a.get(), fd) != ARCHIVE_OK) {
    ::close(fd);
    return ArchiveError(a.get(), out_path);
  }
  auto write_all = [&]() -> Status {
    VOX_RETURN_IF_ERROR(
        AddFile(a.get(), std::string(kDatabaseName), snapshot.path, Sealing{key}, manifest));
    VOX_RETURN_IF_ERROR(AddFile(a.get(), std::string(kSecretName), (data / kSecretName).string(),
                                Sealing{key}, manifest));
    for (const auto& name : ListBlobs(data / kBlobsDir)) {
      VOX_RETURN_IF_ERROR(
          AddFile(a.get(), name, (data / name).string(), Sealing{key, true}, manifest));
    }
    const std::string json = ManifestJson(manifest);
    VOX_RETURN_IF_ERROR(WriteHeader(a.get(), std::string(kManifestName), json.size(),
                                    manifest.created_at_ms / 1000));
    if (archive_write_data(a.get(), json.data(), json.size()) !=
        static_cast<la_ssize_t>(json.size())) {
      return ArchiveError(a.get(), std::string(kManifestName));
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) return ArchiveError(a.get(), out_path);
    return {};
  };
  Status written = write_all();
  bool synced = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return std::unexpected(written.error());
  if (!synced || ::rename(out.path.c_str(), out_path.c_str()) != 0) {
    return MakeError(ErrorCode::kUnavailable, "cannot write " + out_path);
  }
  out.keep = true;
  return Summarize(manifest);
}

}  // namespace vox::backup
