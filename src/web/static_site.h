// The web playground's routes: "/" (index.html) and "/web/<name>" for every other embedded
// file. Each is a literal GET route, so the site can never shadow an API route (/v1/...,
// /healthz, /metrics); an unknown "/web/x" is the router's usual 404.
//
// Every answer carries a strict Content-Security-Policy (scripts, styles and fetches from this
// origin only; audio also from blob: URLs, which MediaSource playback uses), an ETag (the
// file's SHA-256) and "Cache-Control: no-cache": browsers revalidate and get a 304 while the
// binary's copy is unchanged, and never run a stale script after an upgrade.
#pragma once

#include <optional>
#include <string_view>

#include "common/status.h"
#include "http/response.h"
#include "http/router.h"
#include "web/embedded_files.h"

namespace vox::web {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// Adds the GET routes; fails when one is already taken.
Status AddWebRoutes(http::Router& router);

// "text/html; charset=utf-8" for "index.html", and so on; every embedded file's type is known.
std::string_view ContentTypeFor(std::string_view name);

// 200 with the file, or 304 when `if_none_match` names its ETag (or is "*").
http::Response ServeFile(const EmbeddedFile& file, std::optional<std::string_view> if_none_match);

}  // namespace vox::web
