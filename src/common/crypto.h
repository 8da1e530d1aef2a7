// Hashing, MACs and random tokens (OpenSSL, which S3 signing needs anyway).
#pragma once

#include <string>
#include <string_view>

namespace vox {

std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);

// `n` random characters from [A-Za-z0-9], from the OS CSPRNG (unbiased).
std::string RandomToken(size_t n);

// Compares in time independent of where the inputs differ (for MACs and hashes).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace vox
