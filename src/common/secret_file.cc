#include "common/secret_file.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace vox {
namespace {
constexpr size_t kMaxSecretBytes = 64 * 1024;
}  // namespace

Result<std::string> ReadSecretFile(const std::string& path, std::string_view setting) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + path, std::string(setting));
  std::string content;
  content.resize(kMaxSecretBytes + 1);
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  if (content.size() > kMaxSecretBytes) {
    return InvalidArgument(path + " is over 64 KiB", std::string(setting));
  }
  if (content.ends_with("\n")) content.pop_back();
  if (content.ends_with("\r")) content.pop_back();
  if (content.empty()) return InvalidArgument(path + " is empty", std::string(setting));
  return content;
}

Result<std::string> ResolveSecret(const std::string& value, const std::string& file,
                                  std::string_view name) {
  const std::string file_setting = std::string(name) + "_FILE";
  if (file.empty()) return value;
  if (!value.empty()) {
    return InvalidArgument("set " + std::string(name) + " or " + file_setting + ", not both",
                           file_setting);
  }
  return ReadSecretFile(file, file_setting);
}

std::optional<std::string> ProcessEnvLookup(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

Result<std::optional<std::string>> SecretFromEnv(const std::string& name, const EnvLookup& getenv) {
  VOX_ASSIGN_OR_RETURN(
      std::string secret,
      ResolveSecret(getenv(name).value_or(""), getenv(name + "_FILE").value_or(""), name));
  if (secret.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(secret));
}

}  // namespace vox
