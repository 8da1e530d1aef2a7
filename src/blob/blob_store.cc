#include "blob/blob_store.h"

#include "blob/file_blob_store.h"
#include "blob/s3/s3_blob_store.h"
#include "common/redact.h"

namespace vox::blob {

Status ValidateKey(std::string_view key) {
  if (key.empty() || key.size() > 512)
    return InvalidArgument("blob key must be 1..512 bytes", "key");
  size_t segment_start = 0;
  for (size_t i = 0; i <= key.size(); ++i) {
    if (i == key.size() || key[i] == '/') {
      std::string_view segment = key.substr(segment_start, i - segment_start);
      if (segment.empty() || segment == "." || segment == "..") {
        return InvalidArgument("blob key has an empty, '.' or '..' segment", "key");
      }
      segment_start = i + 1;
      continue;
    }
    char c = key[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return InvalidArgument("blob key may only contain [A-Za-z0-9._-/]", "key");
  }
  return {};
}

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& url) {
  constexpr std::string_view kFile = "file://";
  if (url.starts_with(kFile)) {
    std::string path = url.substr(kFile.size());
    if (path.empty())
      return InvalidArgument("file:// storage URL needs a directory", "VOX_STORAGE_URL");
    VOX_ASSIGN_OR_RETURN(auto store, FileBlobStore::Open(path));
    return std::unique_ptr<BlobStore>(std::move(store));
  }
  if (url.starts_with("s3://")) {
    VOX_ASSIGN_OR_RETURN(S3Config config, S3Config::FromUrl(url));
    VOX_ASSIGN_OR_RETURN(auto store, S3BlobStore::Open(std::move(config)));
    return std::unique_ptr<BlobStore>(std::move(store));
  }
  return InvalidArgument(
      "unsupported storage URL '" + RedactUrl(url) + "'; use file:///path or s3://bucket",
      "VOX_STORAGE_URL");
}

}  // namespace vox::blob
