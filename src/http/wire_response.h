// Internal: turns a handler's Response into the Beast message actually written, applying the
// core's rules (Content-Length, ranges, HEAD, X-Request-Id, Date, keep-alive, header hygiene).
#pragma once

#include <boost/beast/http/message.hpp>
#include <optional>
#include <string_view>

#include "http/response.h"
#include "http/response_body.h"

namespace vox::http::internal {

using WireResponse = boost::beast::http::response<ResponseBody>;

struct WireContext {
  unsigned version = 11;
  bool head = false;                      // HEAD request: headers as for GET, no body bytes
  bool range_allowed = false;             // GET or HEAD
  std::optional<std::string_view> range;  // Range request header
  bool has_if_range = false;
  std::string_view request_id;
  bool keep_alive =
      true;  // in: what the connection wants; out: false if the handler asked to close
};

// Fills `out` (cleared first) and returns the status it carries.
int BuildWireResponse(Response&& response, WireContext& ctx, WireResponse& out);

// RFC 9110 IMF-fixdate of the current second, cached per thread.
std::string_view HttpDate();

}  // namespace vox::http::internal
