#include "cache/audio_cache.h"

#ifdef VOX_HAVE_REDIS_CACHE
#include "cache/redis/redis_cache.h"
#include "common/redact.h"
#endif

namespace vox::cache {

Result<std::unique_ptr<AudioCache>> OpenAudioCache(const std::string& url, store::Store& store) {
  if (url.empty() || url == "database") return MakeStoreCache(store);
  if (url.starts_with("redis://")) {
#ifdef VOX_HAVE_REDIS_CACHE
    VOX_ASSIGN_OR_RETURN(auto options, redis::ParseRedisCacheUrl(url));
    return redis::OpenRedisCache(options);
#else
    return Unavailable("this build has no Redis support (hiredis was not found)");
#endif
  }
  return InvalidArgument("unknown cache URL '" + RedactUrl(url) + "' (database or redis://...)",
                         "VOX_CACHE_URL");
}

}  // namespace vox::cache
