// RequestLog: what the observer hook learns about each completed exchange.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace vox::http {

// The views are valid only during the observer call: copy what you keep.
struct RequestLog {
  // Closed sets, safe as metric labels whatever clients send: the method is one
  // of MethodLabel()'s answers, the route a registered pattern or "unmatched".
  std::string_view method;      // "GET", "POST", ... "other"; "" when no request line parsed
  std::string_view route;       // matched pattern, or "unmatched" (404, protocol errors)
  int status = 0;               // status sent (206/416 for ranges, 408/413/431 from the core)
  uint64_t bytes_received = 0;  // request body bytes
  uint64_t bytes_sent = 0;      // response bytes written to the socket, headers included
  std::chrono::microseconds duration{0};  // header complete -> response written
  std::string_view request_id;
  std::string_view remote_address;  // "ip:port"
  std::string_view principal;       // Response::log_principal ("" when none)
};

// Called once per response the core writes (also for 4xx protocol errors and 503 rejections),
// on an io thread: keep it fast and thread-safe (metrics counters, an async log sink).
// Exchanges aborted before a response (client gone, server force-closed) are not reported.
using RequestObserver = std::function<void(const RequestLog&)>;

// The method if it is one of RFC 9110's (GET, HEAD, POST, PUT, DELETE, CONNECT,
// OPTIONS, TRACE) or PATCH; "other" for any other token a client made up.
std::string_view MethodLabel(std::string_view method);

}  // namespace vox::http
