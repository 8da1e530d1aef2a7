#include "blob/encrypted_blob_store.h"

#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vox::blob {
namespace {

// A header read before a concurrent overwrite and chunks read after it do not authenticate
// together; reading again settles it. A blob that still fails is damaged.
constexpr int kReadAttempts = 3;

}  // namespace

EncryptedBlobStore::EncryptedBlobStore(std::unique_ptr<BlobStore> inner, EncryptionKeys keys,
                                       uint32_t chunk)
    : inner_(std::move(inner)), keys_(std::move(keys)), chunk_(chunk) {}

Status EncryptedBlobStore::Put(const std::string& key, std::string_view data,
                               const std::string& content_type) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  return inner_->Put(key, EncryptBlob(data, keys_.current(), chunk_), content_type);
}

Status EncryptedBlobStore::PutFile(const std::string& key, const std::string& local_path,
                                   const std::string& content_type) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(local_path, ec);
  std::ifstream in(local_path, std::ios::binary);
  if (ec || !in) return InvalidArgument("cannot read " + local_path);
  // The encrypted copy goes to a private temporary file, handed to the backend, then removed.
  std::string tmpl = (std::filesystem::temp_directory_path() / "vox-enc-XXXXXX").string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return Internal("cannot create a temporary file for encryption");
  close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::filesystem::remove(path); }
  } remove{tmpl};
  {
    std::ofstream out(tmpl, std::ios::binary | std::ios::trunc);
    auto read = [&](char* buf, size_t n) -> Result<size_t> {
      in.read(buf, static_cast<std::streamsize>(n));
      return static_cast<size_t>(in.gcount());
    };
    auto write = [&](std::string_view bytes) -> Status {
      if (out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()))) return {};
      return Internal("cannot write the encrypted copy of " + local_path);
    };
    VOX_RETURN_IF_ERROR(SealStream(read, size, keys_.current(), write, local_path, chunk_));
    if (!out.flush()) return Internal("cannot write the encrypted copy of " + local_path);
  }
  return inner_->PutFile(key, tmpl, content_type);
}

Result<std::string> EncryptedBlobStore::Plaintext(const std::string& key,
                                                  std::string stored) const {
  if (!refuse_plaintext_) return stored;
  spdlog::error("blob {} has no encryption header and plaintext is refused: replaced outside Vox?",
                key);
  return MakeError(ErrorCode::kInternal,  // as a damaged blob: tampering, never the client's fault
                   "blob " + key +
                       " is not encrypted (VOX_ENCRYPTION_PLAINTEXT=refuse): it was replaced "
                       "outside Vox, or stored before encryption and not yet rotated "
                       "(vox encryption rotate)",
                   "VOX_ENCRYPTION_PLAINTEXT");
}

Result<std::optional<EncryptedHeader>> EncryptedBlobStore::ReadHeader(const std::string& key) {
  VOX_ASSIGN_OR_RETURN(std::string head, inner_->GetRange(key, 0, kEncryptedHeaderBytes));
  if (!LooksEncrypted(head)) return std::optional<EncryptedHeader>();
  VOX_ASSIGN_OR_RETURN(EncryptedHeader header, ParseEncryptedHeader(head, key));
  return std::optional<EncryptedHeader>(std::move(header));
}

Result<std::string> EncryptedBlobStore::Get(const std::string& key) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  Result<std::string> plain = Internal("unreachable");
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    VOX_ASSIGN_OR_RETURN(std::string stored, inner_->Get(key));
    if (!LooksEncrypted(stored)) return Plaintext(key, std::move(stored));
    plain = DecryptBlob(stored, keys_, key);
    if (plain || plain.error().code != ErrorCode::kInternal) return plain;
  }
  return plain;
}

Result<std::string> EncryptedBlobStore::ReadRange(const std::string& key,
                                                  const EncryptedHeader& header, uint64_t offset,
                                                  uint64_t length) {
  VOX_ASSIGN_OR_RETURN(const EncryptionKey* secret, KeyFor(header, keys_, key));
  if (offset >= header.size || length == 0) return std::string();
  uint64_t end = offset + std::min(length, header.size - offset);
  uint64_t first = offset / header.chunk, last = (end - 1) / header.chunk;
  uint64_t from = header.chunk_offset(first);
  VOX_ASSIGN_OR_RETURN(std::string sealed,
                       inner_->GetRange(key, from, header.chunk_offset(last + 1) - from));
  std::string plain;
  for (uint64_t i = first; i <= last; ++i) {
    uint64_t at = header.chunk_offset(i) - from;
    if (at >= sealed.size()) {
      return Internal("blob " + key + " is damaged: chunk " + std::to_string(i) + " is missing");
    }
    VOX_RETURN_IF_ERROR(OpenChunk(
        header, *secret, i, std::string_view(sealed).substr(at, header.chunk + kEncryptionTagBytes),
        plain, key));
  }
  return plain.substr(offset - first * header.chunk, end - offset);
}

Result<std::string> EncryptedBlobStore::GetRange(const std::string& key, uint64_t offset,
                                                 uint64_t length) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  Result<std::string> range = Internal("unreachable");
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    VOX_ASSIGN_OR_RETURN(auto header, ReadHeader(key));
    if (!header) {
      VOX_ASSIGN_OR_RETURN(std::string range, inner_->GetRange(key, offset, length));
      return Plaintext(key, std::move(range));
    }
    range = ReadRange(key, *header, offset, length);
    if (range || range.error().code != ErrorCode::kInternal) return range;
  }
  return range;
}

Result<BlobInfo> EncryptedBlobStore::Head(const std::string& key) {
  VOX_ASSIGN_OR_RETURN(BlobInfo info, inner_->Head(key));
  VOX_ASSIGN_OR_RETURN(auto header, ReadHeader(key));
  if (header) {
    info.size = header->size;
  } else {
    VOX_RETURN_IF_ERROR(Plaintext(key, {}));
  }
  return info;
}

Result<RotationReport> EncryptedBlobStore::Rotate(
    const std::string& prefix, const std::function<void(const std::string&)>& progress) {
  RotationReport report;
  VOX_ASSIGN_OR_RETURN(auto keys, inner_->List(prefix));
  for (const auto& key : keys) {
    ++report.blobs;
    auto rewrite = [&]() -> Result<bool> {  // true: rewritten, false: already current
      VOX_ASSIGN_OR_RETURN(auto header, ReadHeader(key));
      if (header && header->key_id == keys_.current().id) return false;
      VOX_ASSIGN_OR_RETURN(BlobInfo info, inner_->Head(key));
      // Plaintext from before encryption is what rotation is for, refused or not.
      VOX_ASSIGN_OR_RETURN(std::string plain, header ? Get(key) : inner_->Get(key));
      VOX_RETURN_IF_ERROR(Put(key, plain, info.content_type));
      ++(header ? report.rewritten : report.encrypted);
      return true;
    };
    auto rewritten = rewrite();
    if (!rewritten && rewritten.error().code == ErrorCode::kNotFound) continue;  // deleted
    if (!rewritten) return std::unexpected(rewritten.error());
    if (!*rewritten) ++report.current;
    if (*rewritten && progress) progress(key);
  }
  return report;
}

}  // namespace vox::blob

namespace vox::blob {

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& url,
                                                 const std::string& key_file,
                                                 bool refuse_plaintext) {
  if (key_file.empty()) return OpenBlobStore(url);
  VOX_ASSIGN_OR_RETURN(EncryptionKeys keys,
                       EncryptionKeys::Load(key_file, "VOX_ENCRYPTION_KEY_FILE"));
  std::string with_sse = url;
  if (url.starts_with("s3://") && url.find("sse=") == std::string::npos) {
    with_sse += (url.find('?') == std::string::npos ? "?" : "&") + std::string("sse=AES256");
  }
  VOX_ASSIGN_OR_RETURN(auto inner, OpenBlobStore(with_sse));
  auto encrypted = std::make_unique<EncryptedBlobStore>(std::move(inner), std::move(keys));
  if (refuse_plaintext) encrypted->RefusePlaintext();
  return std::unique_ptr<BlobStore>(std::move(encrypted));
}

}  // namespace vox::blob
