// AudioCache: remembers the audio of a request already synthesized, so an
// identical request (same normalized text, voice, format and parameters) is
// answered without synthesis. Shared by every API and worker process.
//
// Backends: the Store's cache table (embedded default) and Redis (scale-out:
// the hot read path of every submission stays off PostgreSQL, and entries
// expire by themselves). An entry only points at a blob; callers check the
// blob still exists and Remove the entry when it does not.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/store.h"

namespace vox::cache {

class AudioCache {
 public:
  virtual ~AudioCache() = default;
  virtual Result<std::optional<store::CacheEntry>> Get(const std::string& cache_key) = 0;
  // Insert or replace by cache_key; an existing entry keeps its hit count.
  virtual Status Put(const store::CacheEntry& entry) = 0;
  // hits + 1, last_hit_at = at; a no-op when the entry is gone.
  virtual Status Touch(const std::string& cache_key, int64_t at) = 0;
  virtual Status Remove(const std::string& cache_key) = 0;  // idempotent
  virtual std::string name() const = 0;                     // "database" or "redis"
};

// With watermarking on (watermark/watermarker.h) an entry points at an unmarked
// "master" (FLAC at the output's rate and loudness) under this key, and each job
// served from it gets its own marked copy; entries that point at a job's own
// (marked) audio are what watermarking off writes.
inline std::string MasterKey(const std::string& cache_key) {
  return "cache/" + cache_key + ".flac";
}
inline bool IsMasterKey(std::string_view audio_key) { return audio_key.starts_with("cache/"); }
// The word timestamps of a master's text (engines::TimestampsDocument), which each marked
// copy takes as its own: a job's timestamps are found by its own id.
inline std::string MasterTimestampsKey(const std::string& cache_key) {
  return MasterKey(cache_key) + ".timestamps.json";
}

// The cache in the Store's table. `store` must outlive it.
std::unique_ptr<AudioCache> MakeStoreCache(store::Store& store);

// Opens the cache by URL (the VOX_CACHE_URL setting):
//   "" or "database"   the Store's table
//   redis://[:password@]host:port/db[?ttl_s=604800&prefix=vox:cache]
//                      Redis; each entry expires ttl_s after its last use
// Errors name VOX_CACHE_URL; kUnavailable when Redis is unreachable.
Result<std::unique_ptr<AudioCache>> OpenAudioCache(const std::string& url, store::Store& store);

}  // namespace vox::cache
