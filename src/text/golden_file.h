// Loader for DuckDB-style golden files used by the text tests: one case per
// line, tab-separated columns, '#' comments and blank lines ignored.
#pragma once

#include <string>
#include <vector>

namespace vox::text::testing {

struct GoldenLine {
  int line = 0;                      // 1-based line number in the file
  std::vector<std::string> columns;  // unescaped
};

// Escapes inside a column: \t \n \r \\ and \xHH (any byte, so invalid UTF-8
// and control characters can be written down). Returns false with `error`
// set when the file cannot be read or an escape is malformed.
bool LoadGoldenFile(const std::string& path, std::vector<GoldenLine>* lines, std::string* error);

// Path of a file in src/text/testdata.
std::string TestDataPath(const std::string& name);

// Printable form of a string for failure messages (\xHH for bytes >= 0x80 in
// invalid positions is not needed; control characters are escaped).
std::string Printable(const std::string& s);

}  // namespace vox::text::testing
