#include "http/wire_response.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>
#include <ctime>
#include <string>

#include "http/range.h"

namespace vox::http::internal {
namespace bhttp = boost::beast::http;
namespace {

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Rejects names that are not tokens and values with CR, LF or NUL: a handler echoing client
// input into a header must not be able to split the response.
bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Headers the core owns; a handler's values are dropped.
bool IsCoreHeader(std::string_view name) {
  for (std::string_view core : {"Content-Length", "Transfer-Encoding", "Connection", "Date",
                                "X-Request-Id", "Keep-Alive"}) {
    if (EqualsIgnoreCase(name, core)) return true;
  }
  return false;
}

bool HasToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (EqualsIgnoreCase(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// Opens the file of a file response and resolves ranges. On failure or 416, replaces
// `response` with an in-memory JSON error and leaves the body's fd closed.
void PrepareFile(Response& response, const WireContext& ctx, ResponseBody::value_type& body) {
  int fd = ::open(response.file_path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
    ::close(fd);
    fd = -1;
    errno = ENOENT;
  }
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      response = JsonError(404, "not_found", "file not found");
    } else {
      spdlog::error("http: cannot open response file {}: errno {}", response.file_path, errno);
      response = JsonError(500, "internal", "internal error");
    }
    return;
  }
  UniqueFd file(fd);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  ByteRange range{0, size == 0 ? 0 : size - 1};
  uint64_t length = size;
  if (response.status == 200 && ctx.range_allowed) {
    response.headers.Set("Accept-Ranges", "bytes");
    if (ctx.range && !ctx.has_if_range) {
      RangeResult r = ParseRange(*ctx.range, size);
      if (r.kind == RangeKind::kUnsatisfiable) {
        response = JsonError(416, "range_not_satisfiable", "requested range not satisfiable");
        response.headers.Set("Content-Range", "bytes */" + std::to_string(size));
        return;
      }
      if (r.kind == RangeKind::kSatisfiable) {
        response.status = 206;
        range = r.range;
        length = range.length();
        response.headers.Set("Content-Range", ContentRange(range, size));
      }
    }
  }
  if (!response.headers.Has("Content-Type")) {
    response.headers.Add("Content-Type", "application/octet-stream");
  }
  body.fd = std::move(file);
  body.offset = range.first;
  body.length = length;
}

}  // namespace

std::string_view HttpDate() {
  thread_local time_t cached_second = 0;
  thread_local char text[40] = {};
  time_t now = std::time(nullptr);
  if (now != cached_second) {
    struct tm tm {};
    gmtime_r(&now, &tm);
    std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return text;
}

int BuildWireResponse(Response&& response, WireContext& ctx, WireResponse& out) {
  out = WireResponse();
  if (response.status < 200 || response.status > 599) {
    spdlog::error("http: handler returned invalid status {} (request {})", response.status,
                  ctx.request_id);
    response = JsonError(500, "internal", "internal error");
  }
  ResponseBody::value_type& body = out.body();
  if (!response.stream && !response.file_path.empty()) PrepareFile(response, ctx, body);
  const int status = response.status;
  const bool no_body = status == 204 || status == 304;

  out.version(ctx.version);
  out.result(static_cast<unsigned>(status));
  if (bhttp::int_to_status(static_cast<unsigned>(status)) == bhttp::status::unknown) {
    out.reason("Status");  // Beast would write "<unknown-status>"
  }
  for (const auto& [name, value] : response.headers) {
    if (EqualsIgnoreCase(name, "Connection") && HasToken(value, "close")) ctx.keep_alive = false;
    if (IsCoreHeader(name)) continue;
    if (!IsSafeHeader(name, value)) {
      spdlog::warn("http: dropping unsafe response header '{}' (request {})", name, ctx.request_id);
      continue;
    }
    out.insert(boost::beast::string_view(name), boost::beast::string_view(value));
  }
  if (!no_body && response.headers.Get("Content-Type") == std::nullopt) {
    out.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  }
  std::string_view date = HttpDate();
  out.set(bhttp::field::date, boost::beast::string_view(date.data(), date.size()));
  out.set("X-Request-Id", boost::beast::string_view(ctx.request_id.data(), ctx.request_id.size()));

  uint64_t length = body.fd.get() >= 0 ? body.length : response.body.size();
  if (response.stream && !no_body && !ctx.head) {
    body.stream = std::move(response.stream);
    // HTTP/1.0 has no chunked encoding: the end of the body is the end of the connection.
    if (ctx.version >= 11) {
      out.chunked(true);
    } else {
      ctx.keep_alive = false;
    }
  } else if (response.stream) {
    response.stream->Cancel();  // nothing of it will be sent
    if (!no_body) ctx.keep_alive = false;
  } else if (no_body) {
    body.fd.Reset();
  } else {
    out.content_length(length);
    if (!ctx.head && body.fd.get() < 0) body.data = std::move(response.body);
    if (ctx.head) body.fd.Reset();  // HEAD: the length of what GET would send, no bytes
  }
  out.keep_alive(ctx.keep_alive);
  return status;
}

}  // namespace vox::http::internal
