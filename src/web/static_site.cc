#include "web/static_site.h"

#include <string>

namespace vox::web {
namespace {

std::string ETagOf(const EmbeddedFile& file) {
  return "\"" + std::string(file.sha256.substr(0, 32)) + "\"";
}

// If-None-Match: "*" or a comma-separated list of (possibly weak) entity tags.
bool Matches(std::string_view if_none_match, const std::string& etag) {
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);  // weak comparison, as RFC 9110 asks
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view name) {
  auto ends = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

http::Response ServeFile(const EmbeddedFile& file, std::optional<std::string_view> if_none_match) {
  const std::string etag = ETagOf(file);
  http::Response r;
  if (if_none_match && Matches(*if_none_match, etag)) {
    r.status = 304;
  } else {
    r = http::Text(200, std::string(file.bytes), ContentTypeFor(file.name));
  }
  r.headers.Set("ETag", etag);
  r.headers.Set("Cache-Control", "no-cache");
  r.headers.Set("Content-Security-Policy", kContentSecurityPolicy);
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("Referrer-Policy", "no-referrer");
  return r;
}

Status AddWebRoutes(http::Router& router) {
  for (const EmbeddedFile& file : EmbeddedFiles()) {
    const std::string path = file.name == "index.html" ? "/" : "/web/" + std::string(file.name);
    // The files are static data: answered on the io thread, no copy kept per route.
    VOX_RETURN_IF_ERROR(router.Add("GET", path, [&file](http::Request& r, http::Responder respond) {
      respond(ServeFile(file, r.Header("If-None-Match")));
    }));
  }
  return {};
}

}  // namespace vox::web
