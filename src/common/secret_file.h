// Secrets from files: every secret setting NAME also has a NAME_FILE variant
// naming a file that holds it (the Docker and Kubernetes secrets convention),
// so the secret need not sit in the environment or on a command line.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox {

// The file's content with one trailing newline ("\n" or "\r\n") removed.
// kInvalidArgument naming `setting` (e.g. "VOX_JWT_SECRET_FILE") when it
// cannot be read, is empty, or is over 64 KiB. The message never quotes the
// content.
Result<std::string> ReadSecretFile(const std::string& path, std::string_view setting);

// A secret given as `value` (setting NAME) or in the file `file` (NAME_FILE):
// at most one of the two; "" when neither.
Result<std::string> ResolveSecret(const std::string& value, const std::string& file,
                                  std::string_view name);

// Looks up an environment variable (tests pass their own); nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> ProcessEnvLookup(const std::string& name);

// For secrets read from the environment directly (AWS_SECRET_ACCESS_KEY…):
// ResolveSecret() of the variable `name` and the file `name`_FILE names, with
// the same rules (both set, or an unreadable file: an error naming
// `name`_FILE); nullopt when neither is set.
Result<std::optional<std::string>> SecretFromEnv(const std::string& name,
                                                 const EnvLookup& getenv = ProcessEnvLookup);

}  // namespace vox
