// AWS Signature Version 4 for S3: header signing and presigned (query-string) URLs.
//
// Pure functions over a request description: no I/O, no clock (callers pass
// the time), so the AWS documentation's example vectors test it exactly.
// S3 differs from other AWS services in two ways that matter here: the path is
// URI-encoded once (never twice) and '/' in it is kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vox::blob::s3 {

// Secrets: never log them; S3Config::ToString() redacts them.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary (STS) credentials
};

using NameValues = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as SigV4 sees it.
struct SignableRequest {
  std::string method;  // "GET", "PUT", ...
  // The request path exactly as sent: already URI-encoded, '/' kept ("/bucket/a%24b").
  std::string path;
  NameValues query;    // raw (not yet encoded) names and values
  NameValues headers;  // every header here is signed; "host" must be among them
  // Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_hash;
};

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string (bodiless GET/HEAD/DELETE).
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// AWS refuses presigned URLs valid for longer than a week.
inline constexpr int64_t kMaxPresignSeconds = 604800;

// RFC 3986 percent-encoding as SigV4 wants it: unreserved [A-Za-z0-9-._~] kept,
// everything else %XX (upper-case hex); '/' kept only when !encode_slash.
std::string UriEncode(std::string_view s, bool encode_slash);

// "20130524T000000Z" for a Unix time in seconds (UTC).
std::string AmzDate(int64_t unix_s);

// Pieces of the algorithm, exposed so tests can compare each intermediate value.
std::string CanonicalQueryString(const NameValues& query);
std::string CanonicalHeaders(const NameValues& headers);   // "name:value\n" lines, sorted
std::string SignedHeaderNames(const NameValues& headers);  // "host;range;x-amz-date"
std::string CanonicalRequest(const SignableRequest& request);
std::string CredentialScope(std::string_view date8,
                            std::string_view region);  // ".../s3/aws4_request"
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
std::string SigningKey(std::string_view secret, std::string_view date8, std::string_view region);

// Signs `request` in place for header authentication: adds x-amz-date,
// x-amz-content-sha256 (from payload_hash), x-amz-security-token (when the
// credentials have one) and Authorization. Returns the Authorization value.
std::string SignRequest(SignableRequest& request, const Credentials& credentials,
                        std::string_view region, int64_t unix_s);

// The query string of a presigned URL for `request` (whose headers should hold
// only "host"), valid `expires_s` seconds from `unix_s`; ends with
// X-Amz-Signature. The payload is UNSIGNED-PAYLOAD, as S3 requires for these.
std::string PresignQuery(const SignableRequest& request, const Credentials& credentials,
                         std::string_view region, int64_t unix_s, int64_t expires_s);

}  // namespace vox::blob::s3
