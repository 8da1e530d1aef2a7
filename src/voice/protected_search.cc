#include "voice/protected_search.h"

#include <algorithm>
#include <cmath>

#include "voice/stats_speaker_encoder.h"

namespace vox::voice {
namespace {

bool IsThreshold(double t) { return t >= -1.0 && t <= 1.0; }

// Keeps the more similar of `best` and `found`.
void KeepBest(std::optional<ProtectedMatch>& best, std::optional<ProtectedMatch> found,
              int shift_cents, bool without_pitch) {
  if (!found || (best && best->similarity >= found->similarity)) return;
  found->shift_cents = shift_cents;
  found->without_pitch = without_pitch;
  best = std::move(found);
}

}  // namespace

Status ProtectedSearchOptions::Validate() const {
  if (std::find(shifts_cents.begin(), shifts_cents.end(), 0) == shifts_cents.end()) {
    return InvalidArgument("shifts_cents must include 0", "shifts_cents");
  }
  for (int s : shifts_cents) {
    if (s < -1200 || s > 1200)
      return InvalidArgument("shifts are -1200..1200 cents", "shifts_cents");
  }
  if (!(max_shifted_seconds >= 1.0)) {
    return InvalidArgument("must be at least 1 second", "max_shifted_seconds");
  }
  if (!IsThreshold(threshold)) return InvalidArgument("must be in [-1, 1]", "threshold");
  if (!IsThreshold(normalized_threshold)) {
    return InvalidArgument("must be in [-1, 1]", "normalized_threshold");
  }
  return {};
}

Result<std::optional<ProtectedMatch>> FindProtectedInRecording(
    const audio::PcmBuffer& recording, SpeakerEncoder& encoder,
    std::span<const ProtectedVoice> voices, const ProtectedSearchOptions& options) {
  VOX_RETURN_IF_ERROR(options.Validate());
  // The list without log F0, when every entry is a stats/1 enrolment.
  std::vector<ProtectedVoice> pitch_free;
  if (options.without_pitch) {
    for (const ProtectedVoice& v : voices) {
      auto e = StatsSpeakerEncoder::WithoutPitch(v.embedding);
      if (!e) {
        pitch_free.clear();
        break;
      }
      pitch_free.push_back({v.id, v.name, std::move(*e)});
    }
  }
  std::optional<ProtectedMatch> best;
  for (int shift : options.shifts_cents) {
    audio::PcmBuffer undone = recording;
    if (shift != 0 && recording.channels > 0) {
      const std::size_t keep =
          static_cast<std::size_t>(options.max_shifted_seconds * recording.sample_rate) *
          recording.channels;
      if (undone.samples.size() > keep) undone.samples.resize(keep);
    }
    undone.sample_rate =
        static_cast<int>(std::lround(recording.sample_rate * std::pow(2.0, -shift / 1200.0)));
    auto embedding = encoder.Embed(undone);
    if (!embedding) {
      if (shift == 0) return std::unexpected(embedding.error());
      continue;  // a stretched recording can fall under the speech minimum: the others count
    }
    const double threshold = shift == 0 ? options.threshold : options.normalized_threshold;
    VOX_ASSIGN_OR_RETURN(auto whole, FindProtectedMatch(*embedding, voices, threshold));
    KeepBest(best, std::move(whole), shift, false);
    if (pitch_free.empty()) continue;
    if (auto free = StatsSpeakerEncoder::WithoutPitch(*embedding)) {
      VOX_ASSIGN_OR_RETURN(auto match,
                           FindProtectedMatch(*free, pitch_free, options.normalized_threshold));
      KeepBest(best, std::move(match), shift, true);
    }
  }
  return best;
}

}  // namespace vox::voice
