// A forwarding BlobStore that fails writes on purpose (leveldb's fault-
// injecting Env, for blobs): tests make storage "go down" for N calls or
// until told otherwise, and check that nothing is marked done without audio.
#pragma once

#include <atomic>

#include "blob/blob_store.h"

namespace vox::blob {

class FaultyBlobStore : public BlobStore {
 public:
  explicit FaultyBlobStore(BlobStore& inner) : inner_(inner) {}

  // The next `n` writes fail with kUnavailable; -1: every write fails.
  void FailWrites(int n) { failing_writes_ = n; }
  // The next `n` deletes fail with kUnavailable (writes are unaffected).
  void FailDeletes(int n) { failing_deletes_ = n; }
  int failed_writes() const { return failed_; }

  Status Put(const std::string& key, std::string_view data, const std::string& type) override {
    VOX_RETURN_IF_ERROR(MaybeFail());
    return inner_.Put(key, data, type);
  }
  Status PutFile(const std::string& key, const std::string& path, const std::string& type) override {
    VOX_RETURN_IF_ERROR(MaybeFail());
    return inner_.PutFile(key, path, type);
  }
  Result<std::string> Get(const std::string& key) override { return inner_.Get(key); }
  Result<std::string> GetRange(const std::string& key, uint64_t offset, uint64_t length) override {
    return inner_.GetRange(key, offset, length);
  }
  Result<BlobInfo> Head(const std::string& key) override { return inner_.Head(key); }
  Status Delete(const std::string& key) override {
    if (failing_deletes_.load() > 0) {
      --failing_deletes_;
      return Unavailable("storage down (injected delete fault)");
    }
    return inner_.Delete(key);
  }
  Result<std::vector<std::string>> List(const std::string& prefix) override {
    return inner_.List(prefix);
  }
  std::optional<std::string> LocalPath(const std::string& key) const override {
    return inner_.LocalPath(key);
  }
  Result<std::optional<std::string>> PresignedGetUrl(const std::string& key, int64_t ttl) override {
    return inner_.PresignedGetUrl(key, ttl);
  }
  Status Ping() override { return failing_writes_ != 0 ? Unavailable("storage down (injected)") : inner_.Ping(); }

 private:
  Status MaybeFail() {
    int n = failing_writes_.load();
    if (n == 0) return {};
    if (n > 0) --failing_writes_;
    ++failed_;
    return Unavailable("storage down (injected fault)");
  }

  BlobStore& inner_;
  std::atomic<int> failing_writes_{0};
  std::atomic<int> failed_{0};
  std::atomic<int> failing_deletes_{0};
};

}  // namespace vox::blob
