// Parses the SSML subset Vox speaks (README.md lists elements and attributes).
//
// Expat does the XML; this file checks the SSML rules on its events. Input is
// untrusted: DTDs and entity declarations are refused outright (no billion
// laughs), and depth, element count and attribute length are bounded. Every
// error is kInvalidArgument, field "text", with a message starting
// "SSML line L, column C: " (1-based) that says what is wrong.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.h"
#include "ssml/ssml_document.h"

namespace vox::ssml {

struct ParseLimits {
  size_t max_bytes = 4'000'000;       // whole document (callers pass TextLimits::MaxUtf8Bytes())
  int max_depth = 32;                 // nested elements, <speak> included
  size_t max_elements = 10'000;       // elements in the document
  size_t max_attribute_bytes = 1024;  // one attribute value
  double max_break_s = 10.0;          // one <break>
  double max_total_pause_s = 600.0;   // all breaks together
};

Result<Document> Parse(std::string_view ssml, const ParseLimits& limits = {});

}  // namespace vox::ssml
