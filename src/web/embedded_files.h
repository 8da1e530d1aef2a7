// The web playground's files, compiled into the binary (embedded_files.cc is generated from
// site/ by embed_files.cmake at build time).
#pragma once

#include <span>
#include <string_view>

namespace vox::web {

struct EmbeddedFile {
  std::string_view name;    // "index.html": the file's name under site/
  std::string_view bytes;   // its contents
  std::string_view sha256;  // of the contents, lower-case hex
};

std::span<const EmbeddedFile> EmbeddedFiles();

}  // namespace vox::web
