#include "blob/s3/http_call.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <memory>

namespace vox::blob::s3 {
namespace {

constexpr size_t kMaxIdleHandles = 16;

void GlobalInitOnce() {
  // curl_global_init is not thread-safe itself; once per process is all it needs.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct BodyReader {
  std::string_view memory;
  FILE* file = nullptr;
  uint64_t expected = 0;
  uint64_t sent = 0;
  bool short_file = false;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* reader = static_cast<BodyReader*>(userdata);
  size_t room = size * nitems;
  if (reader->file == nullptr) {
    size_t n = std::min(room, reader->memory.size() - static_cast<size_t>(reader->sent));
    std::copy_n(reader->memory.data() + reader->sent, n, buffer);
    reader->sent += n;
    return n;
  }
  uint64_t left = reader->expected - reader->sent;
  size_t want = static_cast<size_t>(std::min<uint64_t>(room, left));
  if (want == 0) return 0;
  size_t n = std::fread(buffer, 1, want, reader->file);
  if (n == 0) {
    // The file shrank after we hashed it: abort rather than send a short body.
    reader->short_file = true;
    return CURL_READFUNC_ABORT;
  }
  reader->sent += n;
  return n;
}

size_t WriteBody(char* data, size_t size, size_t nmemb, void* userdata) {
  static_cast<std::string*>(userdata)->append(data, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(userdata);
  std::string_view line(data, size * nitems);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new (e.g. final after 100 Continue) response begins
    return size * nitems;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * nitems;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  (*headers)[name] = std::string(value);
  return size * nitems;
}

bool Retryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient() { GlobalInitOnce(); }

HttpClient::~HttpClient() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* HttpClient::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void HttpClient::Release(void* handle) {
  // reset() drops options but keeps live connections and caches for reuse.
  curl_easy_reset(static_cast<CURL*>(handle));
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(handle);
    return;
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

std::expected<HttpResponse, TransportFailure> HttpClient::Perform(const HttpRequest& request,
                                                                  const HttpTimeouts& timeouts) {
  auto fail = [](ErrorCode code, std::string message, bool retryable) {
    return std::unexpected(TransportFailure{Error{code, std::move(message), {}}, retryable});
  };
  std::unique_ptr<FILE, FileCloser> file;
  BodyReader reader;
  if (request.method == "PUT") {
    if (!request.body_file.empty()) {
      file.reset(std::fopen(request.body_file.c_str(), "rb"));
      if (!file)
        return fail(ErrorCode::kInvalidArgument, "cannot open " + request.body_file, false);
      reader.file = file.get();
      reader.expected = request.body_size;
    } else {
      reader.memory = request.body;
      reader.expected = request.body.size();
    }
  }

  CURL* curl = static_cast<CURL*>(Acquire());
  if (curl == nullptr) return fail(ErrorCode::kInternal, "curl_easy_init failed", false);
  std::unique_ptr<void, std::function<void(void*)>> handle_guard(curl,
                                                                 [this](void* h) { Release(h); });

  curl_slist* raw_list = nullptr;
  for (const auto& [name, value] : request.headers) {
    raw_list = curl_slist_append(raw_list, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip: S3 answers errors to the full request anyway.
  raw_list = curl_slist_append(raw_list, "Expect:");
  std::unique_ptr<curl_slist, SlistDeleter> header_list(raw_list);

  HttpResponse response;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // signals and threads do not mix
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connect_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total_ms));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
    // A known length: S3 refuses chunked transfer encoding without aws-chunked signing.
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(reader.expected));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    if (reader.short_file) {
      return fail(ErrorCode::kInternal, request.body_file + " changed while it was uploaded",
                  false);
    }
    std::string detail = error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(code);
    return fail(ErrorCode::kUnavailable, detail, Retryable(code));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace vox::blob::s3
