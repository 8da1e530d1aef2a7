#include "webhook/webhook.h"

#include <curl/curl.h>

#include <ctime>
#include <memory>
#include <thread>

#include "common/crypto.h"
#include "webhook/ssrf_guard.h"

namespace vox::webhook {
namespace {

size_t DiscardBody(char*, size_t size, size_t nmemb, void*) { return size * nmemb; }

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};

}  // namespace

Status WebhookConfig::Validate() const {
  if (max_attempts < 1 || max_attempts > 20) {
    return InvalidArgument("webhook max attempts must be 1..20", "VOX_WEBHOOK_MAX_ATTEMPTS");
  }
  return {};
}

Status ValidateWebhookUrl(const std::string& url, bool allow_private) {
  if (url.size() > 2048) return InvalidArgument("webhook_url is longer than 2048 bytes", "webhook_url");
  VOX_RETURN_IF_ERROR(ResolveWebhookTarget(url, allow_private));
  return {};
}

std::string WebhookSender::Signature(const std::string& body, int64_t unix_s) const {
  std::string t = std::to_string(unix_s);
  return "t=" + t + ",v1=" + HmacSha256Hex(config_.secret, t + "." + body);
}

Result<WebhookResult> WebhookSender::Deliver(const std::string& url,
                                             const std::string& json_body) const {
  WebhookResult result;
  std::chrono::milliseconds backoff = config_.initial_backoff;
  std::string last_error;
  for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
    result.attempts = attempt;
    // Re-resolve each attempt: the check and the pin must use the same answer.
    VOX_ASSIGN_OR_RETURN(ResolvedTarget target, ResolveWebhookTarget(url, config_.allow_private));
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return Internal("curl_easy_init failed");
    std::unique_ptr<curl_slist, SlistDeleter> resolve(curl_slist_append(
        nullptr, (target.host + ":" + std::to_string(target.port) + ":" + target.addresses.front())
                     .c_str()));
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(
        headers, ("X-Vox-Signature: " + Signature(json_body, std::time(nullptr))).c_str());
    std::unique_ptr<curl_slist, SlistDeleter> header_list(headers);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could point inside
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, DiscardBody);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "vox-webhook/1");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    result.last_http_status = status;
    if (rc == CURLE_OK && status >= 200 && status < 300) return result;
    if (rc == CURLE_OK && status >= 400 && status < 500 && status != 429) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "webhook receiver answered HTTP " + std::to_string(status));
    }
    last_error = rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP " + std::to_string(status);
    if (attempt < config_.max_attempts) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }
  return Unavailable("webhook delivery failed after " + std::to_string(result.attempts) +
                     " attempts: " + last_error);
}

}  // namespace vox::webhook
