// Scopes: what a key or token may do. A closed set; a route declares the one
// it needs (api_server.cc, next to its registration) and a caller without it
// gets 403 naming it.
//
//   tts:read      read jobs and their audio metadata, list models
//   tts:write     submit jobs, stream, cancel (OpenAI's /v1/audio/speech too)
//   voices:read   list and read voices
//   voices:write  create (clone) and delete voices, the consent statement (it issues a
//                 one-time challenge for a creation)
//   admin         the /v1/admin routes; honoured only for an admin user's keys
//
// Written as names separated by spaces (OAuth2 "scope", the store) or commas
// (`vox keys create --scopes`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::api {

enum class Scope : uint8_t {
  kTtsRead = 1 << 0,
  kTtsWrite = 1 << 1,
  kVoicesRead = 1 << 2,
  kVoicesWrite = 1 << 3,
  kAdmin = 1 << 4,
};

std::string_view ScopeName(Scope scope);

class ScopeSet {
 public:
  constexpr ScopeSet() = default;
  static constexpr ScopeSet All() { return ScopeSet(0x1f); }
  // What a key gets unless told otherwise: everything but admin.
  static constexpr ScopeSet Default() { return ScopeSet(0x0f); }

  bool Has(Scope s) const { return (bits_ & static_cast<uint8_t>(s)) != 0; }
  bool empty() const { return bits_ == 0; }
  ScopeSet With(Scope s) const { return ScopeSet(bits_ | static_cast<uint8_t>(s)); }
  ScopeSet Without(Scope s) const { return ScopeSet(bits_ & ~static_cast<uint8_t>(s)); }
  bool Contains(ScopeSet other) const { return (bits_ & other.bits_) == other.bits_; }
  ScopeSet Intersect(ScopeSet other) const { return ScopeSet(bits_ & other.bits_); }
  ScopeSet Union(ScopeSet other) const { return ScopeSet(bits_ | other.bits_); }
  bool operator==(const ScopeSet&) const = default;

  // In the fixed order above, separated by `separator`.
  std::string ToString(char separator = ' ') const;

 private:
  constexpr explicit ScopeSet(uint8_t bits) : bits_(bits) {}
  uint8_t bits_ = 0;
};

// The refusal of a caller without `scope`: kPermissionDenied, field "scope",
// the message naming the scope. Front ends map it to their 403 shape.
Error MissingScope(Scope scope);

// Parses names separated by spaces and/or commas (empty items skipped). An
// unknown name is kInvalidArgument naming it, with `field` as the error's field.
Result<ScopeSet> ParseScopes(std::string_view text, std::string_view field = "scopes");

}  // namespace vox::api
