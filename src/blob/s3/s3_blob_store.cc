#include "blob/s3/s3_blob_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "blob/s3/digest.h"
#include "blob/s3/list_parser.h"
#include "blob/s3/retry.h"
#include "common/crypto.h"

namespace vox::blob {
namespace {

using s3::HttpResponse;

bool Is2xx(long status) { return status >= 200 && status < 300; }

// True unless the body provably differs from its ETag. Only a 32-hex ETag is
// an MD5 of the bytes (single-part, no SSE-KMS/SSE-C); others are not checked.
bool BodyMatchesEtag(const HttpResponse& response) {
  std::string etag = response.Header("etag");
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  if (etag.size() != 32 || etag.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return true;
  }
  std::string sse = response.Header("x-amz-server-side-encryption");
  if ((!sse.empty() && sse != "AES256") ||
      !response.Header("x-amz-server-side-encryption-customer-algorithm").empty()) {
    return true;
  }
  std::transform(etag.begin(), etag.end(), etag.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return s3::Md5Hex(response.body) == etag;
}

// "bytes 2-4/10" -> 2; nullopt when absent or malformed.
std::optional<uint64_t> ContentRangeStart(const std::string& header) {
  constexpr std::string_view kUnit = "bytes ";
  if (!header.starts_with(kUnit)) return std::nullopt;
  uint64_t start = 0;
  const char* begin = header.data() + kUnit.size();
  auto [end, ec] = std::from_chars(begin, header.data() + header.size(), start);
  if (ec != std::errc() || end == begin || *end != '-') return std::nullopt;
  return start;
}

std::string Clip(const std::string& body, uint64_t from, uint64_t length) {
  if (from >= body.size()) return std::string();
  return body.substr(static_cast<size_t>(from),
                     static_cast<size_t>(std::min<uint64_t>(length, body.size() - from)));
}

}  // namespace

Result<std::unique_ptr<S3BlobStore>> S3BlobStore::Open(S3Config config, const Clock& clock) {
  VOX_RETURN_IF_ERROR(config.Validate());
  return std::unique_ptr<S3BlobStore>(new S3BlobStore(std::move(config), clock));
}

Result<HttpResponse> S3BlobStore::Send(const Call& call) {
  const std::string payload_hash =
      call.payload_hash.empty() ? Sha256Hex(call.body) : call.payload_hash;
  const std::string path = config_.RequestPath(call.object_key);
  const std::string query = s3::CanonicalQueryString(call.query);
  const std::string url = config_.BaseUrl() + path + (query.empty() ? "" : "?" + query);
  const s3::HttpTimeouts timeouts{config_.connect_timeout_ms, config_.request_timeout_ms};
  const std::string what =
      call.method + " " + (call.object_key.empty() ? "bucket " + config_.bucket : call.object_key);
  for (int attempt = 1;; ++attempt) {
    // Signed afresh on every attempt: x-amz-date must stay close to the server's clock.
    s3::SignableRequest signable{call.method, path, call.query, {}, payload_hash};
    signable.headers.emplace_back("host", config_.HostHeader());
    signable.headers.insert(signable.headers.end(), call.headers.begin(), call.headers.end());
    s3::SignRequest(signable, config_.credentials, config_.region, clock_.NowMs() / 1000);
    s3::HttpRequest request{call.method,    url,           signable.headers, call.body,
                            call.body_file, call.body_size};

    std::string failure;
    auto response = http_.Perform(request, timeouts);
    if (!response) {
      if (!response.error().retryable) return std::unexpected(std::move(response.error().error));
      failure = response.error().error.message;
    } else if (Is2xx(response->status)) {
      if (!call.verify_md5 || response->status != 200 || BodyMatchesEtag(*response)) {
        return std::move(*response);
      }
      failure = "the body does not match its ETag (torn or corrupted read)";
    } else {
      std::string code = s3::ParseErrorBody(response->body).code;
      if (!s3::IsRetryableStatus(response->status, code)) return std::move(*response);
      failure = "HTTP " + std::to_string(response->status) + (code.empty() ? "" : " " + code);
    }
    if (attempt >= config_.max_attempts) {
      return Unavailable("S3 " + what + " failed after " + std::to_string(attempt) +
                         " attempt(s): " + failure);
    }
    int64_t delay_ms =
        s3::BackoffDelayMs(attempt - 1, config_.backoff_base_ms, config_.backoff_max_ms);
    spdlog::warn("s3: {} attempt {}/{} failed ({}); retrying in {} ms", what, attempt,
                 config_.max_attempts, failure, delay_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  }
}

Error S3BlobStore::ToError(const HttpResponse& response, const std::string& what) const {
  s3::S3ErrorBody body = s3::ParseErrorBody(response.body);
  std::string detail = "HTTP " + std::to_string(response.status);
  if (!body.code.empty()) detail += " " + body.code;
  if (!body.message.empty()) detail += ": " + body.message;
  const long status = response.status;
  if (body.code == "NoSuchBucket") {
    return Error{ErrorCode::kNotFound,
                 "S3 bucket '" + config_.bucket + "' does not exist (" + detail + ")",
                 "VOX_STORAGE_URL"};
  }
  if (status == 404)
    return Error{ErrorCode::kNotFound, what + " not found (" + detail + ")", "key"};
  if (status == 401 || status == 403) {
    return Error{ErrorCode::kPermissionDenied, "S3 refused " + what + " (" + detail + ")", {}};
  }
  if (status == 301 || status == 307 || body.code == "AuthorizationHeaderMalformed") {
    return Error{ErrorCode::kInvalidArgument,
                 "S3 says the bucket lives elsewhere; check region/endpoint (" + detail + ")",
                 "VOX_STORAGE_URL"};
  }
  if (s3::IsRetryableStatus(status, body.code)) {
    return Error{ErrorCode::kUnavailable, "S3 " + what + " failed (" + detail + ")", {}};
  }
  return Error{ErrorCode::kInternal, "S3 " + what + " failed (" + detail + ")", {}};
}

Status S3BlobStore::PutObject(const std::string& key, Call call, const std::string& content_type) {
  call.headers.emplace_back("content-type",
                            content_type.empty() ? "application/octet-stream" : content_type);
  if (!config_.sse.empty()) call.headers.emplace_back("x-amz-server-side-encryption", config_.sse);
  VOX_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (!Is2xx(response.status)) return std::unexpected(ToError(response, "PUT " + key));
  return {};
}

Status S3BlobStore::Put(const std::string& key, std::string_view data,
                        const std::string& content_type) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  Call call = MakeCall("PUT", config_.ObjectKey(key));
  call.body = data;
  return PutObject(key, std::move(call), content_type);
}

Status S3BlobStore::PutFile(const std::string& key, const std::string& local_path,
                            const std::string& content_type) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  // First pass: the payload hash SigV4 signs (S3 checks it against the bytes,
  // so a file that changes before the second pass is refused, never stored torn).
  VOX_ASSIGN_OR_RETURN(s3::FileDigest digest, s3::Sha256OfFile(local_path));
  Call call = MakeCall("PUT", config_.ObjectKey(key));
  call.body_file = local_path;
  call.body_size = digest.size;
  call.payload_hash = digest.sha256_hex;
  return PutObject(key, std::move(call), content_type);
}

Result<std::string> S3BlobStore::Get(const std::string& key) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  Call call = MakeCall("GET", config_.ObjectKey(key));
  call.verify_md5 = true;
  VOX_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status != 200) return std::unexpected(ToError(response, "GET " + key));
  return std::move(response.body);
}

Result<std::string> S3BlobStore::GetRange(const std::string& key, uint64_t offset,
                                          uint64_t length) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  if (length == 0) {
    VOX_RETURN_IF_ERROR(Head(key));  // still NotFound for a missing blob
    return std::string();
  }
  std::string range = "bytes=" + std::to_string(offset) + "-";
  if (length <= UINT64_MAX - offset) range += std::to_string(offset + length - 1);
  Call call = MakeCall("GET", config_.ObjectKey(key));
  call.headers.emplace_back("range", range);
  VOX_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  switch (response.status) {
    case 206: {
      // Slice by Content-Range: some servers answer a wider range than asked.
      uint64_t start = ContentRangeStart(response.Header("content-range")).value_or(offset);
      if (start > offset) return Internal("S3 answered a range starting after the one asked");
      return Clip(response.body, offset - start, length);
    }
    case 200:  // the server ignored Range and sent the whole blob
      return Clip(response.body, offset, length);
    case 416:  // offset at or past the end (a missing key is 404, not 416)
      return std::string();
    default:
      return std::unexpected(ToError(response, "GET " + key));
  }
}

Result<BlobInfo> S3BlobStore::Head(const std::string& key) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  VOX_ASSIGN_OR_RETURN(HttpResponse response, Send(MakeCall("HEAD", config_.ObjectKey(key))));
  if (response.status != 200) return std::unexpected(ToError(response, "HEAD " + key));
  BlobInfo info{key, 0, response.Header("content-type")};
  std::string length = response.Header("content-length");
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), info.size);
  if (ec != std::errc() || end != length.data() + length.size()) {
    return Internal("S3 HEAD " + key + " answered without a valid Content-Length");
  }
  if (info.content_type.empty()) info.content_type = "application/octet-stream";
  return info;
}

Status S3BlobStore::Delete(const std::string& key) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  VOX_ASSIGN_OR_RETURN(HttpResponse response, Send(MakeCall("DELETE", config_.ObjectKey(key))));
  if (Is2xx(response.status)) return {};
  // A missing key is success (deletes are retried); a missing bucket is not.
  if (response.status == 404 && s3::ParseErrorBody(response.body).code != "NoSuchBucket") return {};
  return std::unexpected(ToError(response, "DELETE " + key));
}

Result<std::vector<std::string>> S3BlobStore::List(const std::string& prefix) {
  const std::string base = config_.ObjectKey("");  // "" or "<store prefix>/"
  std::vector<std::string> keys;
  std::string token;
  for (;;) {
    Call call = MakeCall("GET", "");
    call.query = {{"list-type", "2"},
                  {"prefix", base + prefix},
                  {"max-keys", std::to_string(config_.list_page_size)}};
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    VOX_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    if (response.status != 200) return std::unexpected(ToError(response, "LIST " + prefix));
    VOX_ASSIGN_OR_RETURN(s3::ListPage page, s3::ParseListObjectsV2(response.body));
    for (std::string& key : page.keys) {
      if (key.starts_with(base)) keys.push_back(key.substr(base.size()));
    }
    if (!page.truncated) break;
    if (page.next_token == token) return Internal("S3 list repeated its continuation token");
    token = std::move(page.next_token);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

Result<std::optional<std::string>> S3BlobStore::PresignedGetUrl(const std::string& key,
                                                                int64_t ttl_s) {
  VOX_RETURN_IF_ERROR(ValidateKey(key));
  if (ttl_s < 1 || ttl_s > s3::kMaxPresignSeconds) {
    return InvalidArgument("presigned URL lifetime must be 1..604800 seconds", "ttl_s");
  }
  const std::string path = config_.RequestPath(config_.ObjectKey(key));
  s3::SignableRequest request{"GET", path, {}, {{"host", config_.HostHeader()}}, {}};
  std::string query =
      s3::PresignQuery(request, config_.credentials, config_.region, clock_.NowMs() / 1000, ttl_s);
  return std::optional<std::string>(config_.BaseUrl() + path + "?" + query);
}

Status S3BlobStore::Ping() {
  Call call = MakeCall("GET", "");
  call.query = {{"list-type", "2"}, {"prefix", config_.ObjectKey("")}, {"max-keys", "1"}};
  VOX_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status != 200) return std::unexpected(ToError(response, "PING"));
  return {};
}

}  // namespace vox::blob
