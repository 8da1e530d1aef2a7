// Request: what a handler sees of one HTTP request, fully read (body included).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/headers.h"

namespace vox::http {

struct Request {
  std::string method;  // as sent: "GET", "POST", ... (HTTP methods are case-sensitive)
  std::string target;  // raw request-target: "/v1/tts/job/abc?x=1"
  std::string path;    // raw (still percent-encoded) path part of target: "/v1/tts/job/abc"
  // Percent-decoded query parameters in order ("+" decodes to a space); "a&b=" gives
  // {"a",""},{"b",""}. Repeated names are kept.
  std::vector<std::pair<std::string, std::string>> query;
  Headers headers;   // case-insensitive names
  std::string body;  // complete body (within the route's max_body_bytes), unless spooled
  // The body of a spooled upload (RouteOptions::spool_above_bytes), mapped from
  // its temporary file; valid until the response is sent.
  std::optional<std::string_view> spooled_body;
  unsigned version = 11;       // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::string remote_address;  // "ip:port" of the peer
  std::string request_id;      // echoed in X-Request-Id; valid incoming id or a generated one
  // Filled by the router: {name} segments of the matched pattern, percent-decoded.
  std::vector<std::pair<std::string, std::string>> path_params;
  std::string_view route;  // matched pattern ("/v1/tts/job/{job_id}"); owned by the Router

  // First query value of `name`, if present.
  std::optional<std::string_view> Query(std::string_view name) const;
  // The {name} path parameter, or "" when the route has none by that name.
  std::string_view PathParam(std::string_view name) const;
  std::optional<std::string_view> Header(std::string_view name) const { return headers.Get(name); }
  // The body, wherever it was read to: what upload handlers should use.
  std::string_view Body() const { return spooled_body ? *spooled_body : std::string_view(body); }
};

}  // namespace vox::http
