// What a mark says: a 64-bit id of the job and a CRC-16 over it.
//
// Job ids are random UUIDs; the id carried is the UUID's first 64 bits (its
// first 16 hex digits), which the detector turns back into the job through the
// store. 64 bits keep the payload small enough to be read from 5 s of audio,
// and collide between two jobs with probability ~n^2 / 2^65. The CRC makes a
// read of unmarked audio pass with probability 2^-16 per attempt.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vox::watermark {

inline constexpr int kIdBits = 64;
inline constexpr int kCrcBits = 16;
inline constexpr int kPayloadBits = kIdBits + kCrcBits;

using PayloadBits = std::array<int8_t, kPayloadBits>;  // each +1 or -1

// What the audio says about each payload bit at one cycle position, before any
// decision: the bit's folded chip correlation (its sign is the bit, its size the
// evidence). watermark/identify.h matches known ids against it.
struct PayloadEvidence {
  std::array<double, kPayloadBits> bit_sum{};
};

// The 64-bit id of a job: the first 16 hex digits of a UUID (dashes skipped).
// Any other string (not a UUID) maps through SHA-256, so it is still marked
// but cannot be looked up.
uint64_t PayloadId(std::string_view job_id);
// The lowercase UUID prefix "xxxxxxxx-xxxx-xxxx" an id stands for.
std::string IdPrefix(uint64_t id);

PayloadBits EncodePayload(uint64_t id);
// The id when the bits' CRC is right, else nullopt.
std::optional<uint64_t> DecodePayload(const PayloadBits& bits);

}  // namespace vox::watermark
