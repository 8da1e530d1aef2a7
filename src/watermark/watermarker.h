// Watermarker: the one object the routes share to mark what they produce and
// to read marks back. Immutable after Create; thread-safe. Each job or stream
// gets its own JobMark (stateful, one thread).
//
// The key: VOX_WATERMARK_KEY_FILE (any bytes, e.g. 32 random ones; the
// Docker/Kubernetes secrets convention). Without it a development key is
// derived from a fixed string ("vox-development-watermark-key"): every such
// install shares it, so anyone can read, forge or aim at those marks; the
// start-up log says so. VOX_WATERMARK=off disables embedding (detection still
// works); the CLI logs and audits that at start-up.
#pragma once

#include <memory>
#include <string>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "watermark/detector.h"
#include "watermark/embedder.h"
#include "watermark/pattern.h"

namespace vox::watermark {

inline constexpr char kDevelopmentKey[] = "vox-development-watermark-key";

struct WatermarkConfig {
  bool enabled = true;   // VOX_WATERMARK (on|off)
  std::string key_file;  // VOX_WATERMARK_KEY_FILE; empty: the development key
  float strength = kDefaultStrength;

  // From the environment; a VOX_WATERMARK other than on/off is an error naming it.
  static Result<WatermarkConfig> FromEnv();
  std::string ToString() const;  // never the key
};

// Marks one job's audio as it is produced. A disabled watermarker's JobMark
// passes audio through unchanged.
class JobMark {
 public:
  explicit JobMark(std::unique_ptr<Embedder> embedder) : embedder_(std::move(embedder)) {}
  // The marked audio ready so far (up to 40 ms of `in` may come out on a later call).
  audio::PcmBuffer Process(const audio::PcmBuffer& in);
  // The held-back tail (empty when nothing is left); call once, at the end.
  audio::PcmBuffer Finish();

 private:
  std::unique_ptr<Embedder> embedder_;  // null: pass-through
  int rate_ = 0;
  int channels_ = 1;
};

class Watermarker {
 public:
  // Reads the key file; errors name VOX_WATERMARK_KEY_FILE.
  static Result<std::unique_ptr<Watermarker>> Create(const WatermarkConfig& config);

  bool enabled() const { return config_.enabled; }
  bool development_key() const { return config_.key_file.empty(); }

  // For audio of `sample_rate` Hz. A rate the embedder cannot take (no whole
  // number of samples per 20 ms) passes through unmarked; no engine makes one.
  std::unique_ptr<JobMark> ForJob(const std::string& job_id, int sample_rate, int channels) const;
  // Marks a whole buffer (a cached master's audio).
  audio::PcmBuffer MarkAll(const std::string& job_id, const audio::PcmBuffer& pcm) const;

  Result<Detection> Detect(const audio::PcmBuffer& pcm) const {
    return watermark::Detect(pattern_, pcm);
  }

 private:
  Watermarker(WatermarkConfig config, const std::string& key)
      : config_(std::move(config)), pattern_(key) {}
  const WatermarkConfig config_;
  const Pattern pattern_;
};

}  // namespace vox::watermark
