// Test-only: runs a program (no shell, so no quoting surprises) and captures
// its standard output, for cross-checking against independent clients
// (awscli, the curl command line).
#pragma once

#include <string>
#include <vector>

namespace vox::blob::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when it could not run or was killed
  std::string out;     // standard output
  std::string err;     // standard error (for failure messages)
};

// Runs argv[0] (searched on PATH) with the current environment; kills it after
// `timeout_s` seconds.
ProcessResult RunProcess(const std::vector<std::string>& argv, int timeout_s = 60);

}  // namespace vox::blob::testing
