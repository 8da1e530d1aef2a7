#include "webhook/webhook.h"

#include <curl/curl.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "common/crypto.h"
#include "webhook/ssrf_guard.h"

namespace vox::webhook {
namespace {

size_t DiscardBody(char*, size_t size, size_t nmemb, void*) { return size * nmemb; }

// libcurl calls this at least about once a second, also while waiting on a
// silent peer; a non-zero answer aborts the transfer.
int CheckCancel(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

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
  if (timeout < std::chrono::milliseconds(100) || timeout > std::chrono::minutes(5)) {
    return InvalidArgument("webhook timeout must be 100..300000 ms", "VOX_WEBHOOK_TIMEOUT_MS");
  }
  if (threads < 1 || threads > 64) {
    return InvalidArgument("webhook threads must be 1..64", "VOX_WEBHOOK_THREADS");
  }
  if (per_host < 1 || per_host > threads) {
    return InvalidArgument("webhook deliveries per host must be 1..VOX_WEBHOOK_THREADS",
                           "VOX_WEBHOOK_PER_HOST");
  }
  if (initial_backoff.count() < 0 || max_backoff < initial_backoff || connect_timeout.count() < 1 ||
      max_queue < 1) {
    return InvalidArgument("webhook retry schedule, connect timeout or queue size out of range");
  }
  return {};
}

std::chrono::milliseconds WebhookConfig::RetryDelay(int attempt) const {
  auto delay = initial_backoff;
  for (int i = 1; i < attempt && delay < max_backoff; ++i) delay *= 2;
  return std::min(delay, max_backoff);
}

Status ValidateWebhookUrl(const std::string& url, bool allow_private) {
  if (url.size() > 2048)
    return InvalidArgument("webhook_url is longer than 2048 bytes", "webhook_url");
  VOX_RETURN_IF_ERROR(ResolveWebhookTarget(url, allow_private));
  return {};
}

std::string WebhookSender::Signature(const std::string& body, int64_t unix_s) const {
  std::string t = std::to_string(unix_s);
  return "t=" + t + ",v1=" + HmacSha256Hex(config_.secret, t + "." + body);
}

AttemptResult WebhookSender::Attempt(const std::string& url, const std::string& json_body,
                                     const std::atomic<bool>* cancel) const {
  // Resolved each attempt: the check and the pin must use the same answer.
  auto target = ResolveWebhookTarget(url, config_.allow_private);
  if (!target) return {AttemptResult::kRefused, 0, target.error().message};
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return {AttemptResult::kRetry, 0, "curl_easy_init failed"};
  std::unique_ptr<curl_slist, SlistDeleter> resolve(curl_slist_append(
      nullptr, (target->host + ":" + std::to_string(target->port) + ":" + target->addresses.front())
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
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(config_.connect_timeout, config_.timeout).count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could point inside
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "vox-webhook/1");
  if (cancel != nullptr) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, CheckCancel);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
  }
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_ABORTED_BY_CALLBACK) return {AttemptResult::kCanceled, status, "canceled"};
  if (rc != CURLE_OK) return {AttemptResult::kRetry, status, curl_easy_strerror(rc)};
  if (status >= 200 && status < 300) return {AttemptResult::kDelivered, status, ""};
  std::string error = "receiver answered HTTP " + std::to_string(status);
  if (status == 429 || status >= 500) return {AttemptResult::kRetry, status, error};
  return {AttemptResult::kRefused, status, error};
}

}  // namespace vox::webhook
