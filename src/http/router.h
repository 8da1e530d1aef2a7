// Router: maps (method, path) to a handler.
//
// Patterns are literal segments and whole-segment parameters: "/v1/tts/job/{job_id}".
// Matching rules (clients and tests may rely on them):
// - Exact segment match; no trailing-slash folding: "/v1/voices/" does not match "/v1/voices"
//   (404). A pattern may spell a trailing slash itself ("/static/") to match one.
// - The path is split on '/' first and each segment percent-decoded after, so "%2F" inside a
//   parameter yields a '/' in its value and never splits a segment. A malformed escape is 400.
// - Parameters match one non-empty segment. Literals beat parameters: with "/jobs/{id}" and
//   "/jobs/stats", "/jobs/stats" goes to the latter, whatever the registration order.
// - HEAD is served by the GET handler when no HEAD route exists (the core drops the body).
// - A path that matches some pattern but not the method gives 405 with an Allow header;
//   no pattern at all gives 404.
// Not thread-safe to Add while serving; Match is const and safe from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "http/request.h"
#include "http/responder.h"
#include "http/response.h"

namespace vox::http {

// Called on a network io thread. It must return quickly: validate, then either respond at once
// (cheap work, microseconds) or hand the work and the Responder to another executor (database
// calls, synthesis, file hashing...). Blocking here stalls every connection on that io thread.
// Handlers run concurrently on several io threads, so any state they share must be
// thread-safe. `request` stays valid until the Responder is invoked (or dropped): copy what an
// asynchronous job needs before it responds.
using Handler = std::function<void(Request& request, Responder respond)>;

// A gate's verdict, invoked exactly once from any thread: nullopt reads the body and runs the
// handler; a Response answers at once and closes the connection with the body unread. If every
// copy is destroyed uninvoked, the client gets a 500.
using GateDecision = std::function<void(std::optional<Response> refusal)>;

// Checks a request when its headers are complete, before any byte of its body is read
// (request.body is empty): authentication and permissions, so a refused client's upload costs
// the server nothing. Runs on an io thread like a Handler: decide at once, or move `decide` (and
// copies of what it needs from `request`) to another executor for slow work. The handler still
// runs with the whole request afterwards and repeats any check it relies on.
using Gate = std::function<void(const Request& request, GateDecision decide)>;

struct RouteOptions {
  // Largest accepted request body; nullopt: HttpServerConfig::max_body_bytes.
  std::optional<size_t> max_body_bytes;
  // Uploads: a body larger than this is read into an unlinked temporary file in
  // HttpServerConfig::spool_dir (and mapped for the handler, Request::Body())
  // instead of memory, and counts only this much against max_body_bytes_in_flight.
  std::optional<size_t> spool_above_bytes;
  Gate gate;  // optional
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadPath };
  Kind kind = Kind::kNotFound;
  const Handler* handler = nullptr;       // kFound
  const RouteOptions* options = nullptr;  // kFound
  std::string_view pattern;               // kFound, kMethodNotAllowed: the pattern text
  std::string allow;                      // kMethodNotAllowed: "GET, HEAD, POST"
};

class Router {
 public:
  // `method` is an upper-case token ("GET"); errors: invalid pattern or method,
  // already_exists for a duplicate (method, pattern) or a pattern of the same shape with other
  // parameter names ("/a/{x}" vs "/a/{y}").
  Status Add(std::string_view method, std::string_view pattern, Handler handler,
             RouteOptions options = {});

  // `path` is the raw path of the request target. On kFound, `params` holds the decoded
  // parameters (cleared first).
  RouteMatch Match(std::string_view method, std::string_view path,
                   std::vector<std::pair<std::string, std::string>>& params) const;

  bool empty() const { return patterns_.empty(); }

 private:
  static constexpr size_t kMaxSegments = 32;
  struct Segment {
    bool is_param = false;
    std::string text;  // literal text, or the parameter name
  };
  struct MethodEntry {
    std::string method;
    Handler handler;
    RouteOptions options;
  };
  struct Pattern {
    std::string text;
    std::vector<Segment> segments;
    std::vector<MethodEntry> methods;
  };

  std::vector<Pattern> patterns_;  // most specific first
};

}  // namespace vox::http
