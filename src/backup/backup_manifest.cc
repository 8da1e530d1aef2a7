#include "backup/backup_manifest.h"

#include <archive.h>

#include <nlohmann/json.hpp>

namespace vox::backup {

std::string ManifestJson(const Manifest& manifest) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : manifest.files) {
    nlohmann::json entry = {{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}};
    if (f.sealed) entry["sealed"] = true;
    files.push_back(std::move(entry));
  }
  const bool encrypted = !manifest.key_id.empty();
  nlohmann::json out = {{"format", "vox-backup"},
                        {"version", encrypted ? kEncryptedFormatVersion : kFormatVersion},
                        {"created_at", manifest.created_at_ms},
                        {"files", files}};
  if (encrypted) {
    out["encryption"] = {{"cipher", "xchacha20-poly1305 (vox blob layout 1)"},
                         {"key_id", manifest.key_id}};
  }
  return out.dump(1);
}

Result<Manifest> ParseManifest(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "vox-backup") {
    return InvalidArgument("not a Vox backup: its manifest is unreadable", "--from");
  }
  const int version =
      j.contains("version") && j["version"].is_number_integer() ? j["version"].get<int>() : 0;
  if (version != kFormatVersion && version != kEncryptedFormatVersion) {
    return InvalidArgument("backup format version " + j.value("version", nlohmann::json()).dump() +
                               " is not supported (this vox reads versions " +
                               std::to_string(kFormatVersion) + " and " +
                               std::to_string(kEncryptedFormatVersion) + ")",
                           "--from");
  }
  Manifest m;
  try {
    m.created_at_ms = j.at("created_at").get<int64_t>();
    if (version == kEncryptedFormatVersion) {
      m.key_id = j.at("encryption").at("key_id").get<std::string>();
      if (m.key_id.empty()) {
        return InvalidArgument("not a Vox backup: its manifest names no encryption key", "--from");
      }
    }
    for (const auto& f : j.at("files")) {
      m.files.push_back({f.at("path").get<std::string>(), f.at("size").get<uint64_t>(),
                         f.at("sha256").get<std::string>(), f.value("sealed", false)});
      if (m.files.back().sealed && m.key_id.empty()) {
        return InvalidArgument("not a Vox backup: its manifest has sealed files but no key",
                               "--from");
      }
    }
  } catch (const nlohmann::json::exception&) {
    return InvalidArgument("not a Vox backup: its manifest is malformed", "--from");
  }
  return m;
}

BackupSummary Summarize(const Manifest& manifest) {
  BackupSummary summary{static_cast<int>(manifest.files.size()), 0, manifest.created_at_ms,
                        manifest.key_id};
  for (const auto& f : manifest.files) summary.bytes += f.size;
  return summary;
}

bool IsBackupPath(std::string_view path) {
  if (path == kDatabaseName || path == kSecretName) return true;
  if (!path.starts_with(std::string(kBlobsDir) + "/")) return false;
  std::string_view rest = path.substr(kBlobsDir.size() + 1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    rest = rest.substr(slash + 1);
  }
}

std::string ArchiveMessage(::archive* a) {
  const char* message = archive_error_string(a);
  return message != nullptr ? message : "unreadable data";
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
  EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
}

void Sha256Stream::Update(const void* data, size_t size) {
  EVP_DigestUpdate(ctx_.get(), data, size);
}

std::string Sha256Stream::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_.get(), digest, &n);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace vox::backup
