#include "api/signed_url.h"

#include <charconv>

#include "common/crypto.h"

namespace vox::api {

std::string UrlSigner::Sign(std::string_view path, int64_t expires_unix_s) const {
  std::string expires = std::to_string(expires_unix_s);
  std::string mac = HmacSha256Hex(secret_, std::string(path) + "\n" + expires);
  return std::string(path) + "?expires=" + expires + "&signature=" + mac;
}

Status UrlSigner::Verify(std::string_view path, std::string_view expires,
                         std::string_view signature, int64_t now_unix_s) const {
  int64_t t = 0;
  auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), t);
  if (ec != std::errc() || end != expires.data() + expires.size()) {
    return MakeError(ErrorCode::kPermissionDenied, "audio URL has a malformed expiry", "expires");
  }
  std::string expected = HmacSha256Hex(secret_, std::string(path) + "\n" + std::string(expires));
  if (!ConstantTimeEquals(expected, signature)) {
    return MakeError(ErrorCode::kPermissionDenied, "audio URL signature is invalid", "signature");
  }
  if (now_unix_s > t) {
    return MakeError(ErrorCode::kPermissionDenied, "audio URL has expired; fetch the job again",
                     "expires");
  }
  return {};
}

}  // namespace vox::api
