// The layout of an encrypted blob (libsodium XChaCha20-Poly1305, in chunks so a byte range
// is read and checked without the rest of the blob):
//
//   header, 64 bytes:  "VOXENC1\0" | key id (8 raw bytes) | chunk size (u32 LE) | 0 (u32)
//                      | plaintext size (u64 LE) | base nonce (24 random bytes) | 8 zero bytes
//   chunk i:           ciphertext of plaintext bytes [i*chunk, (i+1)*chunk) + 16-byte tag
//
// Chunk i is sealed with the nonce base XOR i (in its last 8 bytes) and, as associated data,
// the whole header and i: a chunk moved, a header edited or a blob cut short fails to open.
// There is always at least one chunk (an empty plaintext seals to one 16-byte tag), so the
// header of every blob is authenticated.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "blob/encryption_keys.h"
#include "common/status.h"

namespace vox::blob {

inline constexpr size_t kEncryptedHeaderBytes = 64;
inline constexpr size_t kEncryptionTagBytes = 16;
inline constexpr uint32_t kDefaultEncryptionChunk = 64 * 1024;

struct EncryptedHeader {
  std::string key_id;  // 16 hex characters
  uint32_t chunk = kDefaultEncryptionChunk;
  uint64_t size = 0;  // plaintext bytes
  std::string nonce;  // 24 bytes

  uint64_t chunks() const { return size == 0 ? 1 : (size + chunk - 1) / chunk; }
  uint64_t encrypted_size() const {
    return kEncryptedHeaderBytes + size + chunks() * kEncryptionTagBytes;
  }
  // Where chunk i starts in the encrypted blob.
  uint64_t chunk_offset(uint64_t i) const {
    return kEncryptedHeaderBytes + i * (uint64_t{chunk} + kEncryptionTagBytes);
  }
  std::string Serialize() const;
};

// True when `bytes` starts with the magic, or with something within 3 bytes of it (a damaged
// header, refused by ParseEncryptedHeader rather than served as plaintext). Blobs written
// before encryption was turned on do not, and are read as they are.
bool LooksEncrypted(std::string_view bytes);
// kInternal when the header is malformed (the blob is damaged, or not Vox's).
Result<EncryptedHeader> ParseEncryptedHeader(std::string_view bytes, std::string_view blob_key);

// A new header for `size` plaintext bytes under `key`, with a fresh random nonce.
EncryptedHeader NewEncryptedHeader(const EncryptionKey& key, uint64_t size,
                                   uint32_t chunk = kDefaultEncryptionChunk);

// Seals chunk `index` (its plaintext) and appends it to `out`.
void SealChunk(const EncryptedHeader& header, const EncryptionKey& key, uint64_t index,
               std::string_view plain, std::string& out);
// Opens chunk `index` and appends its plaintext to `out`; kInternal naming `blob_key` when
// the chunk does not authenticate.
Status OpenChunk(const EncryptedHeader& header, const EncryptionKey& key, uint64_t index,
                 std::string_view sealed, std::string& out, std::string_view blob_key);

// Whole blobs.
std::string EncryptBlob(std::string_view plain, const EncryptionKey& key,
                        uint32_t chunk = kDefaultEncryptionChunk);
Result<std::string> DecryptBlob(std::string_view blob, const EncryptionKeys& keys,
                                std::string_view blob_key);

// The same layout a chunk at a time, for files too large to hold whole (backups, PutFile).
// A source fills up to `size` bytes of `buf` and returns how many (0: the end); a sink takes
// the next piece of output.
using ByteSource = std::function<Result<size_t>(char* buf, size_t size)>;
using ByteSink = std::function<Status(std::string_view bytes)>;

// Bytes that `plain_size` bytes of plaintext take once encrypted.
uint64_t EncryptedSize(uint64_t plain_size, uint32_t chunk = kDefaultEncryptionChunk);
// Reads exactly `size` bytes from `in` and hands `sink` the encrypted layout (the header,
// then each sealed chunk). kInternal naming `name` when `in` ends before `size` bytes.
Status SealStream(const ByteSource& in, uint64_t size, const EncryptionKey& key,
                  const ByteSink& sink, std::string_view name,
                  uint32_t chunk = kDefaultEncryptionChunk);
// Reads the encrypted layout from `in` to its end and hands `sink` the plaintext, chunk by
// chunk: kFailedPrecondition naming the key id when `keys` lacks it (KeyFor), kInternal
// naming `name` when a chunk does not authenticate or bytes are missing or left over. What
// `sink` took before an error is not to be trusted: write it somewhere temporary.
Status OpenStream(const ByteSource& in, const EncryptionKeys& keys, const ByteSink& sink,
                  std::string_view name);

// The key that opens `header`, or kFailedPrecondition naming the missing key id.
Result<const EncryptionKey*> KeyFor(const EncryptedHeader& header, const EncryptionKeys& keys,
                                    std::string_view blob_key);

}  // namespace vox::blob
