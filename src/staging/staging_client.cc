#include "staging/staging_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace vox::staging {
namespace {

using Clock = std::chrono::steady_clock;

struct Transfer {
  Clock::time_point start;
  HttpResult* result;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (size * n > 0 && t->result->first_byte_s < 0) {
    t->result->first_byte_s = std::chrono::duration<double>(Clock::now() - t->start).count();
  }
  t->result->body.append(data, size * n);
  return size * n;
}

// Header lines of every response (1xx and redirects included): a status line starts over.
size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResult*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    r->headers.clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    r->headers[name] = std::string(value);
  }
  return size * n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};

}  // namespace

std::string HttpResult::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json HttpResult::Json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

StagingClient::StagingClient(std::string base_url, std::string key,
                             std::chrono::milliseconds timeout)
    : base_url_(std::move(base_url)), key_(std::move(key)), timeout_(timeout) {
  while (base_url_.ends_with('/')) base_url_.pop_back();
  // Not thread-safe itself; done once before any handle exists.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpResult> StagingClient::Request(std::string_view method, const std::string& path_or_url,
                                          std::string_view body, const HeaderList& headers) const {
  const bool absolute = path_or_url.starts_with("http://") || path_or_url.starts_with("https://");
  const std::string url = absolute ? path_or_url : base_url_ + path_or_url;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal("curl_easy_init failed");
  curl_slist* list = nullptr;
  if (!absolute && !key_.empty()) {
    list = curl_slist_append(list, ("Authorization: Bearer " + key_).c_str());
  }
  for (const auto& [name, value] : headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  std::unique_ptr<curl_slist, SlistDeleter> header_list(list);

  HttpResult result;
  Transfer transfer{Clock::now(), &result};
  CURL* c = curl.get();
  const std::string verb(method);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, verb.c_str());
  if (verb == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (!body.empty() || verb == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "vox-staging-test/1");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &result);
  const CURLcode rc = curl_easy_perform(c);
  result.total_s = std::chrono::duration<double>(Clock::now() - transfer.start).count();
  if (rc != CURLE_OK) {
    // The key never appears: the URL holds none, and curl's message names no header.
    return Unavailable(verb + " " + url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

Result<HttpResult> StagingClient::PostJson(const std::string& path, const nlohmann::json& body,
                                           HeaderList headers) const {
  headers.emplace_back("Content-Type", "application/json");
  return Request("POST", path, body.dump(), headers);
}

}  // namespace vox::staging
