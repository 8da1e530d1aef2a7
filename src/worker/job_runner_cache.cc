// A cache hit with watermarking on: the unmarked master becomes this job's own marked audio.
#include <filesystem>

#include "audio/audio_file_writer.h"
#include "audio/decode.h"
#include "audio/format.h"
#include "cache/audio_cache.h"
#include "common/crypto.h"
#include "engines/timeline.h"
#include "store/job_params.h"
#include "worker/job_runner.h"

namespace vox::worker {

Result<int64_t> JobRunner::MarkCached(const store::Job& job, const store::CacheEntry& entry) {
  VOX_ASSIGN_OR_RETURN(auto format, audio::ParseFormat(job.format));
  VOX_ASSIGN_OR_RETURN(std::string flac, blobs_.Get(entry.audio_key));
  audio::DecodeOptions limits;
  limits.max_bytes = flac.size() + 1;
  limits.max_seconds = entry.duration_s + 60;  // the master holds what the job said it would
  VOX_ASSIGN_OR_RETURN(audio::PcmBuffer pcm, audio::Decode(flac, limits));
  const audio::PcmBuffer marked = config_.watermarker->MarkAll(job.id, pcm);

  // The master is already at the output's rate and loudness: encode as it is.
  audio::EncodeOptions encode;
  encode.format = format;
  encode.sample_rate = marked.sample_rate;
  const std::filesystem::path path =
      std::filesystem::path(config_.temp_dir) /
      ("vox-" + job.id + "-" + RandomToken(6) + "." + audio::FileExtension(format));
  auto cleanup = [&] {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  };
  auto writer = audio::AudioFileWriter::Open(path.string(), encode, marked.sample_rate);
  if (!writer) return std::unexpected(writer.error());
  Status written = (*writer)->Write(marked);
  if (written) written = (*writer)->Finish();
  if (!written) {
    cleanup();
    return std::unexpected(written.error());
  }
  std::error_code ec;
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  Status stored = blobs_.PutFile(AudioKey(job.id, job.format), path.string(),
                                 audio::ContentType(format, (*writer)->output_sample_rate()));
  cleanup();
  if (!stored) return std::unexpected(stored.error());
  // The SSML marks of the master, beside the job's own audio (the job's description reads them).
  if (auto marks = blobs_.Get(store::MarksBlobKey(entry.audio_key))) {
    VOX_RETURN_IF_ERROR(
        blobs_.Put(store::MarksBlobKey(AudioKey(job.id, job.format)), *marks, "application/json"));
  }
  // And its word timestamps (JobService::WordTimestamps still checks they fit this job's text).
  if (auto words = blobs_.Get(cache::MasterTimestampsKey(job.cache_key))) {
    VOX_RETURN_IF_ERROR(blobs_.Put(engines::TimestampsKey(job.id), *words, "application/json"));
  }
  return bytes;
}

}  // namespace vox::worker
