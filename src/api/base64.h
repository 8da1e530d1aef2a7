// Standard base64 (RFC 4648, with padding), for audio carried inside JSON and SSE
// events by the compatible front ends. Internal to src/api.
#pragma once

#include <string>
#include <string_view>

namespace vox::api {

std::string Base64(std::string_view in);

}  // namespace vox::api
