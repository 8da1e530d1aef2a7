#include "blob/encryption_keys.h"

#include <sodium.h>

#include <mutex>

#include "common/base64.h"
#include "common/crypto.h"
#include "common/secret_file.h"

namespace vox::blob {

std::string EncryptionKeyId(std::string_view key_bytes) {
  return Sha256Hex(key_bytes).substr(0, 16);
}

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no CSPRNG: nothing can be encrypted safely
  });
}

std::string NewEncryptionKeyBase64() {
  EnsureSodium();
  std::string key(kEncryptionKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return Base64Encode(key);
}

Result<EncryptionKeys> EncryptionKeys::Parse(std::string_view text, std::string_view setting) {
  EncryptionKeys keys;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto bytes = Base64Decode(line);
    if (!bytes || bytes->size() != kEncryptionKeyBytes) {
      return InvalidArgument(std::string(setting) + ": line " + std::to_string(line_no) +
                                 " is not a base64 key of 32 bytes (make one with "
                                 "`head -c 32 /dev/urandom | base64`)",
                             std::string(setting));
    }
    std::string id = EncryptionKeyId(*bytes);
    if (keys.Find(id)) {
      return InvalidArgument(std::string(setting) + ": key " + id + " is listed twice",
                             std::string(setting));
    }
    keys.keys_.push_back({std::move(id), std::move(*bytes)});
  }
  if (keys.keys_.empty()) {
    return InvalidArgument(std::string(setting) + " holds no key", std::string(setting));
  }
  return keys;
}

Result<EncryptionKeys> EncryptionKeys::Load(const std::string& path, std::string_view setting) {
  VOX_ASSIGN_OR_RETURN(std::string text, ReadSecretFile(path, setting));
  return Parse(text, setting);
}

const EncryptionKey* EncryptionKeys::Find(std::string_view id) const {
  for (const auto& key : keys_) {
    if (key.id == id) return &key;
  }
  return nullptr;
}

std::string EncryptionKeys::ToString() const {
  return std::to_string(keys_.size()) + (keys_.size() == 1 ? " key" : " keys") + ", current " +
         current().id;
}

}  // namespace vox::blob
