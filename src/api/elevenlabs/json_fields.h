// Field checks the ElevenLabs request parsers share: a validation error in the shape
// elevenlabs_errors turns into {"detail":[...]}, and "present" as ElevenLabs means it (a
// field set to null is absent).
#pragma once

#include <expected>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace vox::api::elevenlabs {

inline std::unexpected<Error> Invalid(std::string field, std::string message) {
  return std::unexpected(Error{ErrorCode::kInvalidArgument, std::move(message), std::move(field)});
}

inline bool Present(const nlohmann::json& object, const char* name) {
  return object.contains(name) && !object.at(name).is_null();
}

}  // namespace vox::api::elevenlabs
