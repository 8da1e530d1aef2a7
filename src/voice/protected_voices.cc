#include "voice/protected_voices.h"

#include <cmath>

namespace vox::voice {

Result<std::optional<ProtectedMatch>> FindProtectedMatch(const Embedding& candidate,
                                                         std::span<const ProtectedVoice> voices,
                                                         double threshold) {
  if (!(threshold >= -1.0 && threshold <= 1.0)) {
    return InvalidArgument("threshold must be a cosine in [-1, 1]", "threshold");
  }
  std::optional<ProtectedMatch> best;
  // Every entry is compared, even after a match: an incomparable entry anywhere in the list is
  // an error whatever the candidate, so a broken list is noticed on the first upload.
  for (const ProtectedVoice& voice : voices) {
    auto similarity = CosineSimilarity(candidate, voice.embedding);
    if (!similarity) {
      return InvalidArgument(
          "protected voice '" + voice.id + "' cannot be compared: " + similarity.error().message,
          "embedding");
    }
    if (*similarity >= threshold && (!best || *similarity > best->similarity)) {
      best = ProtectedMatch{voice.id, voice.name, *similarity};
    }
  }
  return best;
}

}  // namespace vox::voice
