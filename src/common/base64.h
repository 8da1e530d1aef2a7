// Base64 (RFC 4648): the standard alphabet with padding (HTTP Basic, OpenAI's
// audio deltas) and base64url without padding (JWTs, RFC 7515 section 2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vox {

std::string Base64Encode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);

// Strict: only the alphabet, no stray bits, padding only in Base64Decode
// (where it is required); nullopt on bad input.
std::optional<std::string> Base64Decode(std::string_view text);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace vox
