#include "blob/encrypted_format.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "common/crypto.h"

namespace vox::blob {
namespace {

constexpr char kMagic[8] = {'V', 'O', 'X', 'E', 'N', 'C', '1', '\0'};
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kEncryptionKeyBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kEncryptionTagBytes);

void PutLe(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}
uint64_t GetLe(std::string_view in, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  }
  return value;
}

// Nonce of chunk `index`: the base nonce with its last 8 bytes XOR the index.
std::string ChunkNonce(const EncryptedHeader& header, uint64_t index) {
  std::string nonce = header.nonce;
  for (int i = 0; i < 8; ++i) nonce[16 + i] ^= static_cast<char>((index >> (8 * i)) & 0xff);
  return nonce;
}

std::string AssociatedData(const std::string& serialized_header, uint64_t index) {
  std::string ad = serialized_header;
  PutLe(ad, index, 8);
  return ad;
}

std::string RawId(std::string_view hex_id) {
  std::string raw;
  for (size_t i = 0; i + 1 < hex_id.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(std::string(hex_id.substr(i, 2)), nullptr, 16)));
  }
  return raw;
}

// Up to `size` bytes from `in`, fewer only where it ends.
Result<size_t> FillFromSource(const ByteSource& in, char* buf, size_t size) {
  size_t got = 0;
  while (got < size) {
    VOX_ASSIGN_OR_RETURN(size_t n, in(buf + got, size - got));
    if (n == 0) break;
    got += n;
  }
  return got;
}

bool HasMagic(std::string_view bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

}  // namespace

std::string EncryptedHeader::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  out += RawId(key_id);
  PutLe(out, chunk, 4);
  PutLe(out, 0, 4);
  PutLe(out, size, 8);
  out += nonce;
  out.append(8, '\0');
  return out;
}

bool LooksEncrypted(std::string_view bytes) {
  if (bytes.size() < sizeof kMagic) return false;
  // Up to 3 of the 8 magic bytes differing is a damaged header, not plaintext: read as
  // plaintext it would be served as garbage. No audio container starts that close to it.
  int differing = 0;
  for (size_t i = 0; i < sizeof kMagic; ++i) differing += bytes[i] != kMagic[i];
  return differing <= 3;
}

Result<EncryptedHeader> ParseEncryptedHeader(std::string_view bytes, std::string_view blob_key) {
  auto damaged = [&](const char* why) {
    return Internal("blob " + std::string(blob_key) + " is damaged: " + why);
  };
  if (bytes.size() < kEncryptedHeaderBytes) return damaged("shorter than its header");
  if (!HasMagic(bytes)) return damaged("not an encrypted blob, or its header is damaged");
  EncryptedHeader header;
  header.key_id = HexEncode(bytes.substr(8, 8));
  header.chunk = static_cast<uint32_t>(GetLe(bytes, 16, 4));
  header.size = GetLe(bytes, 24, 8);
  header.nonce = std::string(bytes.substr(32, 24));
  if (header.chunk == 0 || header.chunk > (64u << 20)) return damaged("bad chunk size");
  if (header.size > (uint64_t{1} << 50)) return damaged("bad size");
  return header;
}

EncryptedHeader NewEncryptedHeader(const EncryptionKey& key, uint64_t size, uint32_t chunk) {
  EnsureSodium();
  EncryptedHeader header;
  header.key_id = key.id;
  header.chunk = chunk;
  header.size = size;
  header.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  randombytes_buf(header.nonce.data(), header.nonce.size());
  return header;
}

void SealChunk(const EncryptedHeader& header, const EncryptionKey& key, uint64_t index,
               std::string_view plain, std::string& out) {
  EnsureSodium();
  std::string ad = AssociatedData(header.Serialize(), index);
  std::string nonce = ChunkNonce(header, index);
  size_t at = out.size();
  out.resize(at + plain.size() + kEncryptionTagBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data() + at), &written,
      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
      reinterpret_cast<const unsigned char*>(nonce.data()),
      reinterpret_cast<const unsigned char*>(key.bytes.data()));
  out.resize(at + written);
}

Status OpenChunk(const EncryptedHeader& header, const EncryptionKey& key, uint64_t index,
                 std::string_view sealed, std::string& out, std::string_view blob_key) {
  EnsureSodium();
  if (sealed.size() < kEncryptionTagBytes) {
    return Internal("blob " + std::string(blob_key) + " is damaged: chunk " +
                    std::to_string(index) + " is cut short");
  }
  std::string ad = AssociatedData(header.Serialize(), index);
  std::string nonce = ChunkNonce(header, index);
  size_t at = out.size();
  out.resize(at + sealed.size() - kEncryptionTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data() + at), &written, nullptr,
          reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
          reinterpret_cast<const unsigned char*>(nonce.data()),
          reinterpret_cast<const unsigned char*>(key.bytes.data())) != 0) {
    out.resize(at);
    return Internal("blob " + std::string(blob_key) + " failed its integrity check at chunk " +
                    std::to_string(index) + " (edited, truncated or reordered)");
  }
  out.resize(at + written);
  return {};
}

std::string EncryptBlob(std::string_view plain, const EncryptionKey& key, uint32_t chunk) {
  EncryptedHeader header = NewEncryptedHeader(key, plain.size(), chunk);
  std::string out = header.Serialize();
  out.reserve(header.encrypted_size());
  for (uint64_t i = 0; i < header.chunks(); ++i) {
    SealChunk(header, key, i, plain.substr(std::min<uint64_t>(i * chunk, plain.size()), chunk),
              out);
  }
  return out;
}

uint64_t EncryptedSize(uint64_t plain_size, uint32_t chunk) {
  EncryptedHeader header;
  header.chunk = chunk;
  header.size = plain_size;
  return header.encrypted_size();
}

Status SealStream(const ByteSource& in, uint64_t size, const EncryptionKey& key,
                  const ByteSink& sink, std::string_view name, uint32_t chunk) {
  EncryptedHeader header = NewEncryptedHeader(key, size, chunk);
  std::string sealed = header.Serialize();
  std::string plain(chunk, '\0');
  for (uint64_t i = 0; i < header.chunks(); ++i) {
    const size_t want = std::min<uint64_t>(chunk, size - std::min<uint64_t>(size, i * chunk));
    VOX_ASSIGN_OR_RETURN(size_t got, FillFromSource(in, plain.data(), want));
    if (got != want) {
      return Internal(std::string(name) + " ended before its " + std::to_string(size) +
                      " bytes: it changed while it was being encrypted");
    }
    SealChunk(header, key, i, std::string_view(plain.data(), want), sealed);
    VOX_RETURN_IF_ERROR(sink(sealed));
    sealed.clear();
  }
  return {};
}

Status OpenStream(const ByteSource& in, const EncryptionKeys& keys, const ByteSink& sink,
                  std::string_view name) {
  std::string head(kEncryptedHeaderBytes, '\0');
  VOX_ASSIGN_OR_RETURN(size_t got, FillFromSource(in, head.data(), head.size()));
  head.resize(got);
  VOX_ASSIGN_OR_RETURN(EncryptedHeader header, ParseEncryptedHeader(head, name));
  VOX_ASSIGN_OR_RETURN(const EncryptionKey* key, KeyFor(header, keys, name));
  std::string sealed(uint64_t{header.chunk} + kEncryptionTagBytes, '\0');
  std::string plain;
  for (uint64_t i = 0; i < header.chunks(); ++i) {
    const size_t want =
        std::min<uint64_t>(header.chunk, header.size - std::min(header.size, i * header.chunk)) +
        kEncryptionTagBytes;
    VOX_ASSIGN_OR_RETURN(got, FillFromSource(in, sealed.data(), want));
    if (got != want) {
      return Internal("blob " + std::string(name) + " is damaged: cut short at chunk " +
                      std::to_string(i));
    }
    plain.clear();
    VOX_RETURN_IF_ERROR(
        OpenChunk(header, *key, i, std::string_view(sealed.data(), want), plain, name));
    VOX_RETURN_IF_ERROR(sink(plain));
  }
  char extra = 0;
  VOX_ASSIGN_OR_RETURN(got, in(&extra, 1));
  if (got != 0) {
    return Internal("blob " + std::string(name) + " is damaged: bytes follow its last chunk");
  }
  return {};
}

Result<const EncryptionKey*> KeyFor(const EncryptedHeader& header, const EncryptionKeys& keys,
                                    std::string_view blob_key) {
  if (const EncryptionKey* key = keys.Find(header.key_id)) return key;
  return MakeError(ErrorCode::kFailedPrecondition,
                   "blob " + std::string(blob_key) + " is encrypted with key " + header.key_id +
                       ", which VOX_ENCRYPTION_KEY_FILE does not hold");
}

Result<std::string> DecryptBlob(std::string_view blob, const EncryptionKeys& keys,
                                std::string_view blob_key) {
  VOX_ASSIGN_OR_RETURN(EncryptedHeader header, ParseEncryptedHeader(blob, blob_key));
  VOX_ASSIGN_OR_RETURN(const EncryptionKey* key, KeyFor(header, keys, blob_key));
  if (blob.size() != header.encrypted_size()) {
    return Internal("blob " + std::string(blob_key) +
                    " is damaged: " + std::to_string(blob.size()) +
                    " bytes where its header says " + std::to_string(header.encrypted_size()));
  }
  std::string plain;
  plain.reserve(header.size);
  for (uint64_t i = 0; i < header.chunks(); ++i) {
    uint64_t at = header.chunk_offset(i);
    VOX_RETURN_IF_ERROR(OpenChunk(header, *key, i,
                                  blob.substr(at, uint64_t{header.chunk} + kEncryptionTagBytes),
                                  plain, blob_key));
  }
  return plain;
}

}  // namespace vox::blob
