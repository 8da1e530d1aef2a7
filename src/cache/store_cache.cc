#include "cache/audio_cache.h"

namespace vox::cache {
namespace {

class StoreCache final : public AudioCache {
 public:
  explicit StoreCache(store::Store& store) : store_(store) {}

  Result<std::optional<store::CacheEntry>> Get(const std::string& cache_key) override {
    return store_.GetCacheEntry(cache_key);
  }
  Status Put(const store::CacheEntry& entry) override { return store_.PutCacheEntry(entry); }
  Status Touch(const std::string& cache_key, int64_t at) override {
    auto s = store_.TouchCacheEntry(cache_key, at);
    if (!s && s.error().code == ErrorCode::kNotFound) return {};
    return s;
  }
  Status Remove(const std::string& cache_key) override {
    return store_.DeleteCacheEntry(cache_key);
  }
  std::string name() const override { return "database"; }

 private:
  store::Store& store_;
};

}  // namespace

std::unique_ptr<AudioCache> MakeStoreCache(store::Store& store) {
  return std::make_unique<StoreCache>(store);
}

}  // namespace vox::cache
