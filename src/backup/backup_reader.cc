// RestoreBackup: unpack into a private folder beside the target, check it
// whole, then move it into place.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "backup/backup.h"
#include "backup/backup_manifest.h"
#include "backup/sqlite_snapshot.h"
#include "blob/encrypted_format.h"

namespace vox::backup {
namespace fs = std::filesystem;
namespace {

using Archive = std::unique_ptr<archive, decltype(&archive_read_free)>;
constexpr size_t kMaxManifestBytes = 64u << 20;

// A folder removed with everything in it unless it was moved into place.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

std::unexpected<Error> Corrupt(const std::string& archive_path, const std::string& why) {
  return InvalidArgument(archive_path + " is not a whole Vox backup: " + why, "--from");
}

// Writes the current entry's data to `dest`, returning its size and SHA-256.
Result<ManifestEntry> ExtractEntry(archive* a, const std::string& name, const fs::path& dest,
                                   const std::string& archive_path) {
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError(ErrorCode::kUnavailable, "cannot write " + dest.string());
  Sha256Stream hash;
  ManifestEntry entry{name, 0, ""};
  char buf[1 << 16];
  la_ssize_t n;
  while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
    if (::write(fd, buf, static_cast<size_t>(n)) != n) {
      ::close(fd);
      return MakeError(ErrorCode::kUnavailable, "cannot write " + dest.string());
    }
    hash.Update(buf, static_cast<size_t>(n));
    entry.size += static_cast<uint64_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n < 0) return Corrupt(archive_path, ArchiveMessage(a));
  if (!synced) return MakeError(ErrorCode::kUnavailable, "cannot write " + dest.string());
  entry.sha256 = hash.HexDigest();
  return entry;
}

Result<std::string> ReadManifest(archive* a, const std::string& archive_path) {
  std::string text;
  char buf[1 << 16];
  la_ssize_t n;
  while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxManifestBytes) return Corrupt(archive_path, "its manifest is too large");
  }
  if (n < 0) return Corrupt(archive_path, ArchiveMessage(a));
  return text;
}

// Decrypts one sealed file of `staging` in place (through a temporary name no
// archive entry can have); an error leaves it to the staging folder's removal.
Status UnsealFile(const fs::path& staging, const std::string& name,
                  const blob::EncryptionKeys& keys, const std::string& archive_path) {
  const fs::path sealed = staging / name, plain = staging / ".unsealing";
  int in = ::open(sealed.c_str(), O_RDONLY | O_CLOEXEC);
  int out = ::open(plain.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  struct CloseBoth {
    int in, out;
    ~CloseBoth() {
      if (in >= 0) ::close(in);
      if (out >= 0) ::close(out);
    }
  } close_both{in, out};
  if (in < 0 || out < 0) return MakeError(ErrorCode::kUnavailable, "cannot decrypt " + name);
  auto source = [&](char* buf, size_t want) -> Result<size_t> {
    ssize_t n = ::read(in, buf, want);
    if (n < 0) return MakeError(ErrorCode::kUnavailable, "cannot read " + sealed.string());
    return static_cast<size_t>(n);
  };
  auto sink = [&](std::string_view bytes) -> Status {
    if (::write(out, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      return MakeError(ErrorCode::kUnavailable, "cannot write " + plain.string());
    }
    return {};
  };
  if (auto opened = blob::OpenStream(source, keys, sink, name); !opened) {
    // Its checksum matched the manifest: altered by someone who rewrote both.
    if (opened.error().code != ErrorCode::kInternal) return opened;
    return Corrupt(archive_path, name + " does not decrypt: " + opened.error().message);
  }
  if (::fsync(out) != 0 || ::rename(plain.c_str(), sealed.c_str()) != 0) {
    return MakeError(ErrorCode::kUnavailable, "cannot write " + sealed.string());
  }
  return {};
}

// The files an encrypted archive sealed, decrypted: refused without the key it names.
Status Unseal(const Manifest& manifest, const blob::EncryptionKeys* keys, const fs::path& staging,
              const std::string& archive_path) {
  if (keys == nullptr || keys->Find(manifest.key_id) == nullptr) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        archive_path + " is encrypted with key " + manifest.key_id +
            (keys == nullptr ? "; give the key file that holds it"
                             : ", which the key file does not hold (after a rotation, keep the "
                               "old key below the current one to restore older backups)"),
        "VOX_ENCRYPTION_KEY_FILE");
  }
  for (const auto& f : manifest.files) {
    // An encrypted archive never holds these in clear: a manifest saying so was edited.
    if (!f.sealed && (f.path == kDatabaseName || f.path == kSecretName)) {
      return Corrupt(archive_path, f.path + " is not encrypted in an encrypted backup");
    }
    if (f.sealed) VOX_RETURN_IF_ERROR(UnsealFile(staging, f.path, *keys, archive_path));
  }
  return {};
}

// Unpacks every entry into `staging`, checks the whole against the manifest
// and decrypts what the backup encrypted.
Result<Manifest> Unpack(const std::string& archive_path, const fs::path& staging,
                        const blob::EncryptionKeys* keys) {
  Archive a(archive_read_new(), &archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return InvalidArgument("cannot read " + archive_path + ": " + ArchiveMessage(a.get()),
                           "--from");
  }
  std::map<std::string, ManifestEntry> found;
  std::optional<std::string> manifest_text;
  while (true) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) return Corrupt(archive_path, ArchiveMessage(a.get()));
    const char* path = archive_entry_pathname(entry);
    const std::string name = path != nullptr ? path : "";
    if (manifest_text) return Corrupt(archive_path, "an entry follows the manifest");
    if (archive_entry_filetype(entry) != AE_IFREG) {
      return Corrupt(archive_path, name + " is not a regular file");
    }
    if (name == kManifestName) {
      VOX_ASSIGN_OR_RETURN(manifest_text, ReadManifest(a.get(), archive_path));
      continue;
    }
    if (!IsBackupPath(name)) return Corrupt(archive_path, "unexpected entry " + name);
    if (found.contains(name)) return Corrupt(archive_path, name + " appears twice");
    VOX_ASSIGN_OR_RETURN(auto got, ExtractEntry(a.get(), name, staging / name, archive_path));
    found.emplace(name, std::move(got));
  }
  if (!manifest_text) return Corrupt(archive_path, "it has no manifest (truncated?)");
  VOX_ASSIGN_OR_RETURN(auto manifest, ParseManifest(*manifest_text));
  for (const auto& want : manifest.files) {
    auto it = found.find(want.path);
    if (it == found.end()) return Corrupt(archive_path, want.path + " is missing");
    if (it->second.size != want.size || it->second.sha256 != want.sha256) {
      return Corrupt(archive_path, want.path + " does not match its checksum");
    }
    found.erase(it);
  }
  if (!found.empty())
    return Corrupt(archive_path, found.begin()->first + " is not in the manifest");
  if (!manifest.key_id.empty()) {
    VOX_RETURN_IF_ERROR(Unseal(manifest, keys, staging, archive_path));
  }
  if (!fs::is_regular_file(staging / kDatabaseName)) {
    return Corrupt(archive_path, "it holds no database");
  }
  if (auto s = CheckSqliteIntegrity((staging / kDatabaseName).string()); !s) {
    return Corrupt(archive_path, s.error().message);
  }
  return manifest;
}

bool IsEmptyDir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

// Swaps `staging` in for a non-empty `target`, refused while a vox process
// serves it (the embedded shape's flock on DATA/vox.lock).
Status Replace(const fs::path& staging, const fs::path& target) {
  const std::string lock_path = (target / "vox.lock").string();
  int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    if (lock >= 0) ::close(lock);
    return MakeError(ErrorCode::kFailedPrecondition,
                     "a vox process is using " + target.string() + "; stop it first", "--data");
  }
  TempDir old{target.string() + ".old-XXXXXX"};
  std::string old_name = old.path.string();
  bool ok = ::mkdtemp(old_name.data()) != nullptr;
  old.path = ok ? fs::path(old_name) : fs::path();
  ok = ok && ::rename(target.c_str(), old.path.c_str()) == 0;
  if (ok && ::rename(staging.c_str(), target.c_str()) != 0) {
    ok = false;
    if (::rename(old.path.c_str(), target.c_str()) != 0) {  // put the original back, or keep it
      std::string kept = old.path.string();
      old.path.clear();
      ::close(lock);
      return MakeError(ErrorCode::kUnavailable,
                       "cannot replace " + target.string() + "; its old contents are in " + kept);
    }
  }
  ::close(lock);
  if (!ok) return MakeError(ErrorCode::kUnavailable, "cannot replace " + target.string());
  return {};
}

}  // namespace

Result<BackupSummary> RestoreBackup(const std::string& archive_path, const std::string& data_dir,
                                    bool force, const blob::EncryptionKeys* keys) {
  fs::path target = fs::absolute(data_dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "data/" names "data"
  std::error_code ec;
  const bool exists = fs::exists(target, ec);
  if (exists && !fs::is_directory(target, ec)) {
    return InvalidArgument(data_dir + " is not a directory", "--data");
  }
  const bool replace = exists && !IsEmptyDir(target);
  if (replace && !force) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     data_dir +
                         " is not empty; restore into an empty directory, or pass --force "
                         "to replace what it holds",
                     "--data");
  }
  if (!fs::is_regular_file(archive_path, ec)) {
    return NotFound("no backup at " + archive_path, "--from");
  }
  fs::create_directories(target.parent_path(), ec);
  // Beside the target, so moving it into place is a rename on one file system.
  TempDir staging{target.string() + ".restore-XXXXXX"};
  std::string staging_name = staging.path.string();
  if (::mkdtemp(staging_name.data()) == nullptr) {
    staging.path.clear();
    return InvalidArgument("cannot create a directory beside " + data_dir, "--data");
  }
  staging.path = staging_name;  // mkdtemp made it 0700, as a data directory must be
  VOX_ASSIGN_OR_RETURN(auto manifest, Unpack(archive_path, staging.path, keys));
  if (replace) {
    VOX_RETURN_IF_ERROR(Replace(staging.path, target));
  } else if (::rename(staging.path.c_str(), target.c_str()) !=
             0) {  // onto nothing, or an empty dir
    return MakeError(ErrorCode::kUnavailable, "cannot create " + data_dir);
  }
  staging.path.clear();
  return Summarize(manifest);
}

}  // namespace vox::backup
