#include "blob/s3/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/crypto.h"

namespace vox::blob::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// SigV4 canonical header value: trimmed, runs of spaces collapsed to one.
std::string TrimAll(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// Lower-cased names, sorted; repeated names joined with ',' as the spec says.
NameValues Canonicalize(const NameValues& headers) {
  NameValues sorted;
  for (const auto& [name, value] : headers) sorted.emplace_back(Lower(name), TrimAll(value));
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  NameValues merged;
  for (auto& [name, value] : sorted) {
    if (!merged.empty() && merged.back().first == name) {
      merged.back().second += "," + value;
    } else {
      merged.emplace_back(std::move(name), std::move(value));
    }
  }
  return merged;
}

std::string Signature(const SignableRequest& request, std::string_view secret,
                      std::string_view region, std::string_view amz_date) {
  std::string_view date8 = amz_date.substr(0, 8);
  std::string to_sign =
      StringToSign(amz_date, CredentialScope(date8, region), CanonicalRequest(request));
  return HexEncode(HmacSha256(SigningKey(secret, date8, region), to_sign));
}

}  // namespace

std::string UriEncode(std::string_view s, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    // Explicit ranges, not isalnum(): the result must not depend on the locale.
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '.' || c == '_' || c == '~' || (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string AmzDate(int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string CanonicalQueryString(const NameValues& query) {
  NameValues encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::string CanonicalHeaders(const NameValues& headers) {
  std::string out;
  for (const auto& [name, value] : Canonicalize(headers)) out += name + ":" + value + "\n";
  return out;
}

std::string SignedHeaderNames(const NameValues& headers) {
  std::string out;
  for (const auto& [name, value] : Canonicalize(headers)) {
    if (!out.empty()) out += ';';
    out += name;
  }
  return out;
}

std::string CanonicalRequest(const SignableRequest& request) {
  return request.method + "\n" + (request.path.empty() ? "/" : request.path) + "\n" +
         CanonicalQueryString(request.query) + "\n" + CanonicalHeaders(request.headers) + "\n" +
         SignedHeaderNames(request.headers) + "\n" + request.payload_hash;
}

std::string CredentialScope(std::string_view date8, std::string_view region) {
  return std::string(date8) + "/" + std::string(region) + "/s3/aws4_request";
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" +
         Sha256Hex(canonical_request);
}

std::string SigningKey(std::string_view secret, std::string_view date8, std::string_view region) {
  std::string k_date = HmacSha256("AWS4" + std::string(secret), date8);
  std::string k_region = HmacSha256(k_date, region);
  std::string k_service = HmacSha256(k_region, "s3");
  return HmacSha256(k_service, "aws4_request");
}

std::string SignRequest(SignableRequest& request, const Credentials& credentials,
                        std::string_view region, int64_t unix_s) {
  const std::string amz_date = AmzDate(unix_s);
  request.headers.emplace_back("x-amz-date", amz_date);
  request.headers.emplace_back("x-amz-content-sha256", request.payload_hash);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  std::string authorization =
      std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
      CredentialScope(std::string_view(amz_date).substr(0, 8), region) +
      ",SignedHeaders=" + SignedHeaderNames(request.headers) +
      ",Signature=" + Signature(request, credentials.secret_access_key, region, amz_date);
  request.headers.emplace_back("Authorization", authorization);
  return authorization;
}

std::string PresignQuery(const SignableRequest& request, const Credentials& credentials,
                         std::string_view region, int64_t unix_s, int64_t expires_s) {
  const std::string amz_date = AmzDate(unix_s);
  SignableRequest signable = request;
  signable.payload_hash = std::string(kUnsignedPayload);
  signable.query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  signable.query.emplace_back("X-Amz-Credential",
                              credentials.access_key_id + "/" +
                                  CredentialScope(std::string_view(amz_date).substr(0, 8), region));
  signable.query.emplace_back("X-Amz-Date", amz_date);
  signable.query.emplace_back("X-Amz-Expires", std::to_string(expires_s));
  if (!credentials.session_token.empty()) {
    signable.query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  signable.query.emplace_back("X-Amz-SignedHeaders", SignedHeaderNames(signable.headers));
  return CanonicalQueryString(signable.query) +
         "&X-Amz-Signature=" + Signature(signable, credentials.secret_access_key, region, amz_date);
}

}  // namespace vox::blob::s3
