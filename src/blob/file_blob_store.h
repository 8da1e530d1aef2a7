// The embedded default: blobs as files under one root directory.
// Content types are kept in a sidecar "<file>.meta" so Head() can report them.
#pragma once

#include <chrono>
#include <filesystem>

#include "blob/blob_store.h"

namespace vox::blob {

class FileBlobStore : public BlobStore {
 public:
  // Creates `root` if needed, and removes the temporary files ("*.tmp-*") a
  // process killed mid-write left behind once they are `stale_after` old (a
  // live write renames its file within seconds).
  static Result<std::unique_ptr<FileBlobStore>> Open(
      const std::filesystem::path& root, std::chrono::seconds stale_after = std::chrono::hours(1));

  Status Put(const std::string& key, std::string_view data,
             const std::string& content_type) override;
  Status PutFile(const std::string& key, const std::string& local_path,
                 const std::string& content_type) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::string> GetRange(const std::string& key, uint64_t offset, uint64_t length) override;
  Result<BlobInfo> Head(const std::string& key) override;
  Status Delete(const std::string& key) override;
  Result<std::vector<std::string>> List(const std::string& prefix) override;
  std::optional<std::string> LocalPath(const std::string& key) const override;
  Result<std::optional<std::string>> PresignedGetUrl(const std::string& key,
                                                     int64_t ttl_s) override {
    return std::nullopt;
  }
  Status Ping() override;

 private:
  explicit FileBlobStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path PathFor(const std::string& key) const { return root_ / key; }
  // Writes via a temp file in the same directory and renames it into place.
  Status WriteAtomically(const std::filesystem::path& target, std::string_view data);

  std::filesystem::path root_;
};

}  // namespace vox::blob
