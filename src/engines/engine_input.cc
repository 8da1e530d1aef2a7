#include "engines/engine_input.h"

#include <fmt/format.h>

#include <algorithm>

#include "text/utf8.h"

namespace vox::engines::internal {

Status CheckText(std::string_view text, std::string_view engine, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     fmt::format("text chunk of {} bytes exceeds {}'s limit of {}; split it into "
                                 "sentences",
                                 text.size(), engine, max_bytes),
                     "text");
  }
  return text::ValidateUtf8(text);
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

std::string CString(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\0', ' ');
  return out;
}

std::vector<std::size_t> CodePointOffsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  offsets.push_back(text.size());
  return offsets;
}

}  // namespace vox::engines::internal
