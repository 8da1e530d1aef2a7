#include "blob/file_blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <system_error>

#include "common/crypto.h"

namespace vox::blob {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMetaSuffix = ".meta";

Result<std::string> ReadFile(const fs::path& path, uint64_t offset, uint64_t length) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("blob not found", "key");
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  if (offset >= size) return std::string();
  length = std::min(length, size - offset);
  std::string data(length, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(data.data(), static_cast<std::streamsize>(length));
  if (!in) return Unavailable("failed reading blob " + path.filename().string());
  return data;
}

// Leftovers of writes a killed process never renamed into place.
void SweepStaleTempFiles(const fs::path& root, std::chrono::seconds stale_after) {
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec)) continue;
    if (it->path().filename().string().find(".tmp-") == std::string::npos) continue;
    const auto written = it->last_write_time(entry_ec);
    if (!entry_ec && now - written >= stale_after) fs::remove(it->path(), entry_ec);
  }
}

}  // namespace

Result<std::unique_ptr<FileBlobStore>> FileBlobStore::Open(const fs::path& root,
                                                           std::chrono::seconds stale_after) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    return InvalidArgument("cannot create blob directory " + root.string() + ": " + ec.message(),
                           "VOX_STORAGE_URL");
  }
  SweepStaleTempFiles(root, stale_after);
  return std::unique_ptr<FileBlobStore>(new FileBlobStore(fs::absolute(root)));
}

Status FileBlobStore::WriteAtomically(const fs::path& target, std::string_view data) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec)
    return Unavailable("cannot create " + target.parent_path().string() + ": " + ec.message());
  fs::path tmp = target;
  tmp += ".tmp-" + RandomToken(8);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      return Unavailable("failed writing " + target.filename().string());
    }
  }
  // fsync so a crash right after "done" cannot leave a job pointing at a hole.
  if (int fd = ::open(tmp.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Unavailable("failed to move blob into place: " + ec.message());
  }
  return {};
}

Status FileBlobStore::Put(const std::string& key, std::string_view data,
                          const std::string& content_type) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  fs::path target = PathFor(key);
  fs::path meta = target;
  meta += kMetaSuffix;
  VOX_RETURN_IF_ERROR(WriteAtomically(meta, content_type));
  return WriteAtomically(target, data);
}

Status FileBlobStore::PutFile(const std::string& key, const std::string& local_path,
                              const std::string& content_type) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  fs::path target = PathFor(key);
  fs::path meta = target;
  meta += kMetaSuffix;
  VOX_RETURN_IF_ERROR(WriteAtomically(meta, content_type));
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  fs::path tmp = target;
  tmp += ".tmp-" + RandomToken(8);
  fs::copy_file(local_path, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Unavailable("failed copying " + local_path + " into the blob store: " + ec.message());
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Unavailable("failed to move blob into place: " + ec.message());
  }
  return {};
}

Result<std::string> FileBlobStore::Get(const std::string& key) {
  return GetRange(key, 0, UINT64_MAX);
}

Result<std::string> FileBlobStore::GetRange(const std::string& key, uint64_t offset,
                                            uint64_t length) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  return ReadFile(PathFor(key), offset, length);
}

Result<BlobInfo> FileBlobStore::Head(const std::string& key) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  std::error_code ec;
  fs::path path = PathFor(key);
  uint64_t size = fs::file_size(path, ec);
  if (ec) return NotFound("blob not found", "key");
  fs::path meta = path;
  meta += kMetaSuffix;
  auto content_type = ReadFile(meta, 0, 4096);
  return BlobInfo{key, size, content_type ? *content_type : "application/octet-stream"};
}

Status FileBlobStore::Delete(const std::string& key) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  std::error_code ec;
  fs::path path = PathFor(key);
  fs::remove(path, ec);
  if (ec) return Unavailable("failed deleting blob: " + ec.message());
  path += kMetaSuffix;
  fs::remove(path, ec);
  return {};
}

Result<std::vector<std::string>> FileBlobStore::List(const std::string& prefix) {
  std::vector<std::string> keys;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string key = fs::relative(it->path(), root_).generic_string();
    if (key.ends_with(kMetaSuffix) || key.find(".tmp-") != std::string::npos) continue;
    if (key.starts_with(prefix)) keys.push_back(std::move(key));
  }
  if (ec) return Unavailable("failed listing blobs: " + ec.message());
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::optional<std::string> FileBlobStore::LocalPath(const std::string& key) const {
  if (!ValidateKey(key)) return std::nullopt;
  return PathFor(key).string();
}

Status FileBlobStore::Ping() {
  fs::path probe = root_ / (".ping-" + RandomToken(8));
  VOX_RETURN_IF_ERROR(WriteAtomically(probe, "ok"));
  std::error_code ec;
  fs::remove(probe, ec);
  return {};
}

}  // namespace vox::blob
