#include <algorithm>
#include <cmath>

#include "voice/speaker_encoder.h"

namespace vox::voice {
namespace {

Status CheckComparable(const Embedding& a, const Embedding& b) {
  if (a.encoder != b.encoder) {
    return InvalidArgument(
        "embeddings come from different encoders: '" + a.encoder + "' and '" + b.encoder + "'",
        "embedding");
  }
  if (a.values.empty() || a.values.size() != b.values.size()) {
    return InvalidArgument("embeddings are empty or differ in dimension", "embedding");
  }
  return {};
}

double Norm(const std::vector<float>& v) {
  double sum = 0.0;
  for (float x : v) sum += double(x) * x;
  return std::sqrt(sum);
}

}  // namespace

Result<double> CosineSimilarity(const Embedding& a, const Embedding& b) {
  VOX_RETURN_IF_ERROR(CheckComparable(a, b));
  double dot = 0.0;
  for (std::size_t i = 0; i < a.values.size(); ++i) dot += double(a.values[i]) * b.values[i];
  const double norms = Norm(a.values) * Norm(b.values);
  if (!(norms > 0.0) || !std::isfinite(norms)) {
    return InvalidArgument("embedding has zero or non-finite norm", "embedding");
  }
  return std::clamp(dot / norms, -1.0, 1.0);
}

Result<Embedding> AverageEmbeddings(std::span<const Embedding> embeddings) {
  if (embeddings.empty()) return InvalidArgument("no embeddings to average", "embedding");
  Embedding mean{embeddings[0].encoder, std::vector<float>(embeddings[0].values.size(), 0.0f)};
  for (const Embedding& e : embeddings) {
    VOX_RETURN_IF_ERROR(CheckComparable(embeddings[0], e));
    const double norm = Norm(e.values);
    if (!(norm > 0.0) || !std::isfinite(norm)) {
      return InvalidArgument("embedding has zero or non-finite norm", "embedding");
    }
    for (std::size_t i = 0; i < e.values.size(); ++i) mean.values[i] += e.values[i] / norm;
  }
  const double norm = Norm(mean.values);
  if (!(norm > 0.0)) return InvalidArgument("embeddings cancel out", "embedding");
  for (float& v : mean.values) v = static_cast<float>(v / norm);
  return mean;
}

nlohmann::json Embedding::ToJson() const { return {{"encoder", encoder}, {"values", values}}; }

Result<Embedding> Embedding::FromJson(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("encoder") || !json["encoder"].is_string() ||
      !json.contains("values") || !json["values"].is_array()) {
    return InvalidArgument("embedding JSON needs a string 'encoder' and an array 'values'",
                           "embedding");
  }
  Embedding e;
  e.encoder = json["encoder"].get<std::string>();
  for (const auto& v : json["values"]) {
    if (!v.is_number()) return InvalidArgument("embedding values must be numbers", "embedding");
    const double x = v.get<double>();
    if (!std::isfinite(x)) return InvalidArgument("embedding values must be finite", "embedding");
    e.values.push_back(static_cast<float>(x));
  }
  if (e.values.empty()) return InvalidArgument("embedding has no values", "embedding");
  return e;
}

}  // namespace vox::voice
