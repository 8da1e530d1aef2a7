// The audio cache on the streamed routes (StreamService): a streamed request identical to an
// earlier one (same caller, voice version, normalized text, styles, speed, pitch, language)
// is answered from the audio that one made, without synthesis.
//
// A stream keeps no file of its own, and its bytes depend on the format asked and on each
// request's watermark; so what is cached is the stream's synthesized audio itself, unmarked,
// as a FLAC master at the voice's rate (cache::MasterKey of its key, like the jobs' masters
// with watermarks on), written while the stream is sent and stored once it ended done. A hit
// decodes the master and sends it through the request's own encoder and watermark, so every
// hit is marked with its own job id (DECISIONS: cached audio is stored unmarked and marked
// per job). Stream keys are their own ("kind":"stream"): a job's cached file is loudness
// normalized and encoded whole, a stream's audio is not, so neither is served for the other.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/authenticator.h"
#include "audio/audio_file_writer.h"
#include "blob/blob_store.h"
#include "cache/audio_cache.h"
#include "engines/synthesizer.h"

namespace vox::api {

// The longest stream kept as a master: a hit decodes it whole (600 s at 22,050 Hz is 53 MB
// of samples), so longer ones are synthesized each time.
inline constexpr double kMaxCachedStreamSeconds = 600;

// The cache key of a stream of `plan` for `who` (`clone_id`: the clone it speaks, else empty).
std::string StreamCacheKey(const Principal& who, const engines::SynthesisPlan& plan,
                           const std::string& model_version, const std::string& clone_id);

// The audio of a stream being made, written as its master while it is sent.
class StreamMaster {
 public:
  // A temporary FLAC file for audio at `sample_rate`.
  static Result<std::unique_ptr<StreamMaster>> Open(const std::string& job_id, int sample_rate);
  ~StreamMaster();  // removes the temporary file

  Status Write(const audio::PcmBuffer& pcm) { return writer_->Write(pcm); }
  // Finishes the file, stores it as the master of `key` and points the cache entry at it.
  Status Keep(blob::BlobStore& blobs, cache::AudioCache& cache, const std::string& key,
              double duration_s, int64_t now);

 private:
  StreamMaster(std::filesystem::path path, std::unique_ptr<audio::AudioFileWriter> writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}
  std::filesystem::path path_;
  std::unique_ptr<audio::AudioFileWriter> writer_;
};

// The cache entry of `key` when its master is still there (an entry whose blob is gone is
// removed); nullopt on a miss or any error (a cache problem never fails a stream).
std::optional<store::CacheEntry> FindStreamMaster(blob::BlobStore& blobs, cache::AudioCache& cache,
                                                  const std::string& key);

// The master's audio, at the rate it was made.
Result<audio::PcmBuffer> ReadStreamMaster(blob::BlobStore& blobs, const store::CacheEntry& entry);

}  // namespace vox::api
