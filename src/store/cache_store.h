// CacheStore: the index of identical requests' audio (the audio is in the
// blob store). Thread-safe; errors as in store.h (typed ErrorCodes, never a driver's text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "store/types.h"

namespace vox::store {

class CacheStore {
 public:
  virtual ~CacheStore() = default;

  // --- cache of identical requests -----------------------------------------
  virtual Result<std::optional<CacheEntry>> GetCacheEntry(const std::string& cache_key) = 0;
  // Insert or replace by cache_key; an existing entry keeps its hit count.
  virtual Status PutCacheEntry(const CacheEntry& entry) = 0;
  // hits + 1, last_hit_at = at. kNotFound when absent.
  virtual Status TouchCacheEntry(const std::string& cache_key, int64_t at) = 0;
  // Removes the entry (e.g. its audio vanished from the blob store). Idempotent.
  virtual Status DeleteCacheEntry(const std::string& cache_key) = 0;
};

}  // namespace vox::store
