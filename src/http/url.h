// Request-target parsing: path/query split, percent-decoding, query parameters.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vox::http {

// Decodes %XX escapes (and '+' as a space when plus_as_space, i.e. in a query). Returns false
// on a malformed escape ("%", "%4", "%zz"); `out` is then unspecified.
bool PercentDecode(std::string_view in, bool plus_as_space, std::string& out);

struct TargetParts {
  std::string_view path;   // starts with '/'
  std::string_view query;  // after '?', before any '#'; may be empty
};

// Splits an origin-form ("/p?q") or absolute-form ("http://host/p?q") request-target.
// Returns false for anything else ("*", "p", "http://host" is accepted as "/").
bool SplitTarget(std::string_view target, TargetParts& parts);

// "a=1&b=x+y&c" -> {{"a","1"},{"b","x y"},{"c",""}}; empty pieces are skipped. Returns false on
// a malformed escape.
bool ParseQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace vox::http
