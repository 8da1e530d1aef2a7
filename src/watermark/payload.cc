#include "watermark/payload.h"

#include <cstdio>

#include "common/crypto.h"
#include "common/uuid.h"

namespace vox::watermark {
namespace {

// CRC-16/CCITT-FALSE over the id's 8 bytes, most significant first.
uint16_t Crc16(uint64_t id) {
  uint16_t crc = 0xFFFF;
  for (int byte = 7; byte >= 0; --byte) {
    crc ^= static_cast<uint16_t>(((id >> (8 * byte)) & 0xFF) << 8);
    for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1;
  }
  return crc;
}

uint64_t FromHex(std::string_view hex16) {
  uint64_t id = 0;
  for (char c : hex16) {
    int v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    id = (id << 4) | static_cast<uint64_t>(v);
  }
  return id;
}

}  // namespace

uint64_t PayloadId(std::string_view job_id) {
  std::string hex;
  if (IsUuid(job_id)) {
    for (char c : job_id.substr(0, 18)) {
      if (c != '-') hex.push_back(c);
    }
  } else {
    hex = Sha256Hex(job_id).substr(0, 16);
  }
  return FromHex(hex);
}

std::string IdPrefix(uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x", static_cast<unsigned>(id >> 32),
                static_cast<unsigned>((id >> 16) & 0xFFFF), static_cast<unsigned>(id & 0xFFFF));
  return buf;
}

PayloadBits EncodePayload(uint64_t id) {
  PayloadBits bits{};
  const uint16_t crc = Crc16(id);
  for (int i = 0; i < kIdBits; ++i) bits[i] = ((id >> (kIdBits - 1 - i)) & 1) ? 1 : -1;
  for (int i = 0; i < kCrcBits; ++i) bits[kIdBits + i] = ((crc >> (kCrcBits - 1 - i)) & 1) ? 1 : -1;
  return bits;
}

std::optional<uint64_t> DecodePayload(const PayloadBits& bits) {
  uint64_t id = 0;
  uint16_t crc = 0;
  for (int i = 0; i < kIdBits; ++i) id = (id << 1) | (bits[i] > 0 ? 1 : 0);
  for (int i = 0; i < kCrcBits; ++i)
    crc = static_cast<uint16_t>((crc << 1) | (bits[kIdBits + i] > 0));
  if (crc != Crc16(id)) return std::nullopt;
  return id;
}

}  // namespace vox::watermark
