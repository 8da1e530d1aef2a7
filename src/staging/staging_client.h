// The staging suite's HTTP client: libcurl, so a staging URL may be https (the tests'
// client in src/http/testing speaks plain HTTP only), timing each call's first body byte
// (time to first audio on a stream, whose header leaves before its audio).
//
// Thread-safe: every call uses its own curl handle. Paths are relative to the base URL
// and carry the key; an absolute URL (a presigned audio URL) is fetched as is, without it.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vox::staging {

struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // final response; names lower-cased
  std::string body;
  double first_byte_s = -1;  // from the request's start to its first body byte; -1: none
  double total_s = 0;

  std::string Header(const std::string& lower_name) const;
  nlohmann::json Json() const;  // discarded when the body is not JSON
};

class StagingClient {
 public:
  using HeaderList = std::vector<std::pair<std::string, std::string>>;

  // `base_url`: scheme://host[:port][/prefix], without a trailing slash.
  StagingClient(std::string base_url, std::string key, std::chrono::milliseconds timeout);

  // No HTTP answer (refused, reset, timed out, DNS): unavailable, naming the URL.
  Result<HttpResult> Request(std::string_view method, const std::string& path_or_url,
                             std::string_view body = {}, const HeaderList& headers = {}) const;
  Result<HttpResult> PostJson(const std::string& path, const nlohmann::json& body,
                              HeaderList headers = {}) const;

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::string key_;
  std::chrono::milliseconds timeout_;
};

}  // namespace vox::staging
