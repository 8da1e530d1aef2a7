// Headers: an ordered list of HTTP header fields with case-insensitive names.
//
// A flat vector, not a map: requests carry a handful of fields, a linear scan beats hashing,
// and the order on the wire is kept. Not thread-safe; owned by one Request or Response.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vox::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // First value of `name`, or nullopt. The view lives as long as the field is unchanged.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Replaces every field called `name` by one with `value`.
  void Set(std::string_view name, std::string_view value);
  // Appends a field (a repeated header keeps every value).
  void Add(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  void Clear() { fields_.clear(); }

  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace vox::http
