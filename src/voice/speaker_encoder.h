// Speaker embeddings: a fixed-length vector per recording whose cosine
// similarity says whether two recordings share a speaker.
//
// SpeakerEncoder is the seam where encoders plug in: today the DSP
// StatsSpeakerEncoder, later a TorchScript network (e.g. an ECAPA-TDNN) behind
// the same interface. Embeddings carry the id of the encoder that made them
// because vectors from different encoders (or versions) are not comparable.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::voice {

struct Embedding {
  std::string encoder;        // SpeakerEncoder::id() of its maker, e.g. "stats/1"
  std::vector<float> values;  // unit L2 norm

  int dim() const { return static_cast<int>(values.size()); }

  // {"encoder": "stats/1", "values": [...]} for storage next to a voice.
  nlohmann::json ToJson() const;
  // Errors (invalid_argument, field "embedding"): wrong shape or types, empty
  // or non-finite values.
  static Result<Embedding> FromJson(const nlohmann::json& json);
};

class SpeakerEncoder {
 public:
  virtual ~SpeakerEncoder() = default;

  virtual std::string name() const = 0;     // "stats"
  virtual std::string version() const = 0;  // bumped whenever embeddings change
  virtual int dim() const = 0;
  std::string id() const { return name() + "/" + version(); }

  // Embeds one recording of one speaker: any sample rate and channel count
  // (the encoder resamples and downmixes). Thread-safe; implementations hold
  // immutable state. Errors are invalid_argument with field "audio" when the
  // recording holds too little speech to embed; the vector is never NaN.
  virtual Result<Embedding> Embed(const audio::PcmBuffer& pcm) = 0;
};

// Cosine similarity in [-1, 1]. Errors (invalid_argument, field "embedding")
// when the two come from different encoders or dimensions, or are empty/zero:
// refusing beats returning a number a threshold could misread as "different
// speaker" (which would let a protected voice through).
Result<double> CosineSimilarity(const Embedding& a, const Embedding& b);

// The enrolment of several recordings of one speaker: the normalized mean of
// their embeddings (all from one encoder). Errors as CosineSimilarity.
Result<Embedding> AverageEmbeddings(std::span<const Embedding> embeddings);

}  // namespace vox::voice
