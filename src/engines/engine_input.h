// Input checks every in-process engine makes before touching its library.
// Internal to vox_engines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vox::engines::internal {

// kResourceExhausted (field "text") over `max_bytes`; kInvalidArgument (field
// "text") for malformed UTF-8, which C front ends would read as garbage.
Status CheckText(std::string_view text, std::string_view engine, std::size_t max_bytes);

bool IsBlank(std::string_view text);

// A NUL-terminated copy for a C library, inner NULs (which would end the text
// early) turned into spaces.
std::string CString(std::string_view text);

// Byte offset of every code point of `text` plus text.size() at the end:
// maps a library's character positions back to bytes.
std::vector<std::size_t> CodePointOffsets(std::string_view text);

}  // namespace vox::engines::internal
