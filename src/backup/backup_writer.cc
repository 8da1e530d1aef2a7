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

// Adds `disk_path` as `name`. A file gone before it could be opened (a blob
// deleted meanwhile) is skipped: returns false, not an error.
Result<bool> AddFile(archive* a, const std::string& name, const std::string& disk_path,
                     Manifest& manifest) {
  int fd = ::open(disk_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return false;
  if (fd < 0) return MakeError(ErrorCode::kUnavailable, "cannot read " + disk_path);
  struct stat st {};
  ::fstat(fd, &st);
  VOX_RETURN_IF_ERROR(WriteHeader(a, name, static_cast<uint64_t>(st.st_size), st.st_mtime));
  Sha256Stream hash;
  uint64_t total = 0;
  char buf[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && total < static_cast<uint64_t>(st.st_size)) {
    n = std::min<ssize_t>(n, st.st_size - static_cast<ssize_t>(total));
    if (archive_write_data(a, buf, static_cast<size_t>(n)) != n) {
      ::close(fd);
      return ArchiveError(a, name);
    }
    hash.Update(buf, static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
  }
  ::close(fd);
  // The header promised st_size bytes: a file that shrank would corrupt the tar.
  if (n < 0 || total != static_cast<uint64_t>(st.st_size)) {
    return MakeError(ErrorCode::kUnavailable, disk_path + " changed while it was read");
  }
  manifest.files.push_back({name, total, hash.HexDigest()});
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

Result<BackupSummary> WriteBackup(const std::string& data_dir, const std::string& out_path) {
  const fs::path data(data_dir);
  if (!fs::is_regular_file(data / kDatabaseName)) {
    return NotFound("no database at " + (data / kDatabaseName).string(), "--data");
  }
  Manifest manifest;
  manifest.created_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  // Both temporaries beside the output: same file system, so the rename is atomic.
  TempFile out{out_path + ".tmp-XXXXXX"};
  int fd = ::mkstemp(out.path.data());
  if (fd < 0) {
    out.path.clear();
    return InvalidArgument("cannot write " + out_path, "--out");
  }
  TempFile snapshot{out_path + ".db-XXXXXX"};
  int snap_fd = ::mkstemp(snapshot.path.data());
  if (snap_fd < 0) {
    ::close(fd);
    snapshot.path.clear();
    return InvalidArgument("cannot write beside " + out_path, "--out");
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
    VOX_RETURN_IF_ERROR(AddFile(a.get(), std::string(kDatabaseName), snapshot.path, manifest));
    VOX_RETURN_IF_ERROR(
        AddFile(a.get(), std::string(kSecretName), (data / kSecretName).string(), manifest));
    for (const auto& name : ListBlobs(data / kBlobsDir)) {
      VOX_RETURN_IF_ERROR(AddFile(a.get(), name, (data / name).string(), manifest));
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
  BackupSummary summary{static_cast<int>(manifest.files.size()), 0, manifest.created_at_ms};
  for (const auto& f : manifest.files) summary.bytes += f.size;
  return summary;
}

}  // namespace vox::backup
