// A small synchronous HTTP client over libcurl, just enough for S3.
//
// Thread-safe: each call takes an easy handle from a small pool (so kept-alive
// connections and TLS sessions are reused) and gives it back reset. No
// redirects are followed (S3 answers a wrong region with 301, which must
// surface as an error, not be chased). Only http and https are allowed.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "blob/s3/sigv4.h"
#include "common/status.h"

namespace vox::blob::s3 {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "PUT" or "DELETE"
  std::string url;     // already encoded
  NameValues headers;  // sent as given; a "Host" here replaces curl's own
  // A PUT body comes from memory, or is streamed from `body_file` (of
  // `body_size` bytes) when that is set, without loading the file.
  std::string_view body;
  std::string body_file;
  uint64_t body_size = 0;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // final response only; names lower-cased
  std::string body;

  // The header's value, or "" when absent; `name` in lower case.
  std::string Header(const std::string& name) const;
};

struct HttpTimeouts {
  int64_t connect_ms = 5000;
  int64_t total_ms = 120000;
};

// A request that got no HTTP answer. `retryable` is true for failures a retry
// may cure (refused, reset, timed out, DNS); false for local ones (the upload
// file unreadable or changed mid-upload, a TLS certificate rejected).
struct TransportFailure {
  Error error;
  bool retryable = false;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  std::expected<HttpResponse, TransportFailure> Perform(const HttpRequest& request,
                                                        const HttpTimeouts& timeouts);

 private:
  void* Acquire();  // CURL*, kept opaque so this header does not pull in curl.h
  void Release(void* handle);

  std::mutex mu_;
  std::vector<void*> idle_;  // guarded by mu_
};

}  // namespace vox::blob::s3
