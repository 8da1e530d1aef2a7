// What `vox keys` and `vox clients` share: the migrated store they work on,
// how they print times, and the scopes they grant.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "api/scopes.h"
#include "cli/errors.h"
#include "cli/platform.h"
#include "store/store.h"

namespace vox::cli {

inline std::unique_ptr<store::Store> OpenMigratedStore(PlatformConfig& config,
                                                       const char* command) {
  ExitOnError(command, config.Finalize());
  ExitOnError(command, MigrateDatabase(config));
  auto store = store::OpenStore(config.database_url);
  if (!store) Fail(command, store.error());
  return std::move(*store);
}

inline std::string FormatTime(const std::optional<int64_t>& ms) {
  if (!ms) return "-";
  std::time_t s = static_cast<std::time_t>(*ms / 1000);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", std::gmtime(&s));
  return buf;
}

// An option's text, or nullopt when it was not given.
inline std::optional<std::string> OptionalText(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

// --scopes as given (comma-separated), else all but admin, or all for an admin.
inline api::ScopeSet ScopesOption(const std::string& text, bool admin, const char* command) {
  if (text.empty()) return admin ? api::ScopeSet::All() : api::ScopeSet::Default();
  auto scopes = api::ParseScopes(text);
  if (!scopes) Fail(command, scopes.error());
  return *scopes;
}

}  // namespace vox::cli
