// Secrets from files: every secret setting NAME also has a NAME_FILE variant
// naming a file that holds it (the Docker and Kubernetes secrets convention),
// so the secret need not sit in the environment or on a command line.
#pragma once

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

// For secrets read from the environment directly (AWS_SECRET_ACCESS_KEY…):
// the variable `name`, else the content of the file that `name`_FILE names,
// else nullopt.
Result<std::optional<std::string>> SecretFromEnv(const std::string& name);

}  // namespace vox
