// ElevenLabs' `alignment` object:
//   {"characters":["H","i"],"character_start_times_seconds":[0.0,0.1],
//    "character_end_times_seconds":[0.1,0.2]}
// times rounded to milliseconds (never out of order: rounding is monotonic).
#pragma once

#include <nlohmann/json.hpp>

#include "text/timed_text.h"

namespace vox::api::elevenlabs {

nlohmann::ordered_json AlignmentJson(const text::CharacterAlignment& alignment);

}  // namespace vox::api::elevenlabs
