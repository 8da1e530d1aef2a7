#include "api/stream_cache.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "audio/decode.h"
#include "common/crypto.h"

namespace vox::api {

std::string StreamCacheKey(const Principal& who, const engines::SynthesisPlan& plan,
                           const std::string& model_version, const std::string& clone_id) {
  // Scoped to the caller, as the jobs' keys (job_service.cc): a hit must not tell one tenant
  // what another asked for.
  nlohmann::json input = {{"kind", "stream"},
                          {"tenant", who.user_id},
                          {"model", model_version},
                          {"text", plan.NormalizedText()},
                          {"speed", plan.params.speed},
                          {"pitch", plan.params.pitch},
                          {"language", plan.params.language}};
  if (!clone_id.empty()) input["clone"] = clone_id;
  if (const nlohmann::json styles = plan.styles.ToJson(); !styles.is_null()) {
    input["styles"] = styles;  // SSML: other breaks, prosody, marks or phonemes are other audio
  }
  return Sha256Hex(input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<std::unique_ptr<StreamMaster>> StreamMaster::Open(const std::string& job_id,
                                                         int sample_rate) {
  audio::EncodeOptions flac;
  flac.format = audio::Format::kFlac;  // lossless at the voice's rate, no loudness change
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("vox-stream-" + job_id + "-" + RandomToken(6) + ".flac");
  VOX_ASSIGN_OR_RETURN(auto writer, audio::AudioFileWriter::Open(path.string(), flac, sample_rate));
  return std::unique_ptr<StreamMaster>(new StreamMaster(std::move(path), std::move(writer)));
}

StreamMaster::~StreamMaster() {
  writer_.reset();
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

Status StreamMaster::Keep(blob::BlobStore& blobs, cache::AudioCache& cache, const std::string& key,
                          double duration_s, int64_t now) {
  VOX_RETURN_IF_ERROR(writer_->Finish());
  std::error_code ec;
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(path_, ec));
  const std::string master = cache::MasterKey(key);
  VOX_RETURN_IF_ERROR(blobs.PutFile(master, path_.string(), "audio/flac"));
  store::CacheEntry entry;
  entry.cache_key = key;
  entry.audio_key = master;
  entry.format = "flac";
  entry.duration_s = duration_s;
  entry.audio_bytes = bytes;
  entry.created_at = entry.last_hit_at = now;
  return cache.Put(entry);
}

std::optional<store::CacheEntry> FindStreamMaster(blob::BlobStore& blobs, cache::AudioCache& cache,
                                                  const std::string& key) {
  auto entry = cache.Get(key);
  if (!entry || !*entry) return std::nullopt;
  if (!blobs.Head((*entry)->audio_key)) {
    (void)cache.Remove(key);  // its master is gone (revoked, swept): a miss from now on
    return std::nullopt;
  }
  return **entry;
}

Result<audio::PcmBuffer> ReadStreamMaster(blob::BlobStore& blobs, const store::CacheEntry& entry) {
  VOX_ASSIGN_OR_RETURN(std::string flac, blobs.Get(entry.audio_key));
  audio::DecodeOptions options;
  options.max_bytes = 512u << 20;
  options.max_seconds = kMaxCachedStreamSeconds + 5;  // what Keep() stored, with the encoder's tail
  return audio::Decode(flac, options);
}

}  // namespace vox::api
