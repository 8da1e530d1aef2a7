// The invariants the fuzz target checks, callable from a normal test.
#pragma once

#include <string>
#include <string_view>

namespace vox::text {

// Runs ValidateUtf8, Normalize (English and another language) and the
// sentence splitter (one-shot and streaming) on arbitrary bytes and checks
// what must hold for any input: errors exactly for invalid UTF-8, English
// output made only of plain words and . , ? ! (also when normalized
// again), sentences bounded and non-empty, no byte lost or
// invented by splitting, streaming equal to one-shot. Returns "" when all
// hold, else a description of the first violation.
std::string CheckTextInvariants(std::string_view input);

}  // namespace vox::text
