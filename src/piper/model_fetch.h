// Copies one file of a voice package, from a local path or an http(s) URL,
// into a file of ours, hashing it on the way and refusing it past a size
// limit while it arrives (not after).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace vox::piper {

struct FetchedFile {
  std::uintmax_t bytes = 0;
  std::string sha256;  // lower-case hex
};

bool IsUrl(const std::string& location);  // http:// or https://

// Writes `location` to `target` (created or truncated) and fsyncs it.
// NotFound when the file (or URL: HTTP 404) does not exist; ResourceExhausted
// past `max_bytes`; Unavailable for other network or I/O failures. Field
// "source". On failure `target` may hold a partial copy: the caller removes it.
Result<FetchedFile> FetchFile(const std::string& location, const std::filesystem::path& target,
                              std::uintmax_t max_bytes);

// A small text file (a .sha256 sidecar): its content, or NotFound.
Result<std::string> FetchSmallText(const std::string& location, std::uintmax_t max_bytes);

}  // namespace vox::piper
