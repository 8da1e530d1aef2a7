// <say-as interpret-as=... [format=...]>text</say-as> as plain text the
// normalizer reads as meant. Numbers and dates are spelled out here with
// src/text's number words, so the normalizer cannot read them another way;
// time and currency are passed through to the normalizer's own rules, which
// already read "10:30 pm" and "$3.50" right.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::ssml {

// interpret-as: cardinal, ordinal, characters, digits, date (format mdy, dmy or
// ymd; default mdy), time, telephone, currency. An unknown interpret-as or
// format, or text that is not what it claims, is kInvalidArgument with a
// message saying which (the parser adds the position).
Result<std::string> SayAs(std::string_view interpret_as, std::string_view format,
                          std::string_view text);

}  // namespace vox::ssml
