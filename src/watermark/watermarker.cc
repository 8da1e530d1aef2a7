#include "watermark/watermarker.h"

#include <cstdlib>

#include "common/secret_file.h"
#include "watermark/payload.h"

namespace vox::watermark {

Result<WatermarkConfig> WatermarkConfig::FromEnv() {
  WatermarkConfig config;
  if (const char* v = std::getenv("VOX_WATERMARK"); v != nullptr && *v != '\0') {
    const std::string value = v;
    if (value == "off") {
      config.enabled = false;
    } else if (value != "on") {
      return InvalidArgument("must be on or off", "VOX_WATERMARK");
    }
  }
  if (const char* f = std::getenv("VOX_WATERMARK_KEY_FILE"); f != nullptr) config.key_file = f;
  return config;
}

std::string WatermarkConfig::ToString() const {
  return std::string("watermark ") + (enabled ? "on" : "off") + ", key " +
         (key_file.empty() ? "development (derived, public)" : "from VOX_WATERMARK_KEY_FILE");
}

Result<std::unique_ptr<Watermarker>> Watermarker::Create(const WatermarkConfig& config) {
  std::string key = kDevelopmentKey;
  if (!config.key_file.empty()) {
    VOX_ASSIGN_OR_RETURN(key, ReadSecretFile(config.key_file, "VOX_WATERMARK_KEY_FILE"));
  }
  return std::unique_ptr<Watermarker>(new Watermarker(config, key));
}

std::unique_ptr<JobMark> Watermarker::ForJob(const std::string& job_id, int sample_rate,
                                             int channels) const {
  if (!config_.enabled) return std::make_unique<JobMark>(nullptr);
  auto embedder =
      Embedder::Create(pattern_, PayloadId(job_id), sample_rate, channels, config_.strength);
  return std::make_unique<JobMark>(embedder ? std::move(*embedder) : nullptr);
}

audio::PcmBuffer Watermarker::MarkAll(const std::string& job_id,
                                      const audio::PcmBuffer& pcm) const {
  auto mark = ForJob(job_id, pcm.sample_rate, pcm.channels);
  audio::PcmBuffer out = mark->Process(pcm);
  audio::PcmBuffer tail = mark->Finish();
  out.samples.insert(out.samples.end(), tail.samples.begin(), tail.samples.end());
  return out;
}

audio::PcmBuffer JobMark::Process(const audio::PcmBuffer& in) {
  rate_ = in.sample_rate;
  channels_ = in.channels;
  if (!embedder_ || in.sample_rate != embedder_->sample_rate() ||
      in.channels != embedder_->channels()) {
    return in;  // pass-through (disabled, or a chunk the embedder was not made for)
  }
  audio::PcmBuffer out{in.sample_rate, in.channels, {}};
  embedder_->Process(in.samples, out.samples);
  return out;
}

audio::PcmBuffer JobMark::Finish() {
  audio::PcmBuffer out{rate_, channels_, {}};
  if (embedder_) {
    out.sample_rate = embedder_->sample_rate();
    out.channels = embedder_->channels();
    embedder_->Finish(out.samples);
  }
  return out;
}

}  // namespace vox::watermark
