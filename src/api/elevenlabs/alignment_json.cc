#include "api/elevenlabs/alignment_json.h"

#include <cmath>

namespace vox::api::elevenlabs {

nlohmann::ordered_json AlignmentJson(const text::CharacterAlignment& alignment) {
  auto ms = [](const std::vector<double>& seconds) {
    std::vector<double> out;
    out.reserve(seconds.size());
    for (double s : seconds) out.push_back(std::round(s * 1000) / 1000);
    return out;
  };
  nlohmann::ordered_json out;
  out["characters"] = alignment.characters;
  out["character_start_times_seconds"] = ms(alignment.start_s);
  out["character_end_times_seconds"] = ms(alignment.end_s);
  return out;
}

}  // namespace vox::api::elevenlabs
