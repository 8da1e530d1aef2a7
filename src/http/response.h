// Response: what a handler hands back through its Responder.
//
// An in-memory body, a file streamed from disk (file_path non-empty) with byte-range
// support, a body produced while it is sent (stream), or the connection handed over to another
// protocol (upgrade). The core always computes Content-Length,
// Connection, Date and X-Request-Id itself: a handler's own values for those (and for
// Transfer-Encoding) are ignored, except that a handler's "Connection: close" closes the connection
// after the response.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/body_stream.h"
#include "http/headers.h"
#include "http/upgrade.h"

namespace vox::http {

struct Response {
  int status = 200;  // 200..599; anything else is answered 500
  Headers headers;   // Content-Type defaults (text/plain, or application/octet-stream for files)
  std::string body;  // ignored when file_path is set

  // Serve this file instead of `body`. On a 200 response to GET/HEAD, a "Range: bytes=a-b",
  // "bytes=a-" or "bytes=-n" request header yields 206 + Content-Range; an unsatisfiable range
  // yields 416 with "Content-Range: bytes */size". Full responses carry "Accept-Ranges: bytes".
  // Multi-range requests, and any Range with If-Range (we have no validators), get the whole
  // file. A file that cannot be opened at write time gives 404 (missing) or 500 JSON errors.
  // Bytes are read with pread() on the io thread in 64 KiB steps: fine for local disks.
  std::string file_path;

  // Send this stream instead (`body` and `file_path` ignored): Transfer-Encoding: chunked on
  // HTTP/1.1 (HTTP/1.0: the body ends when the connection closes), bytes sent as the producer
  // writes them. See body_stream.h.
  std::shared_ptr<BodyStream> stream;

  // Hand the connection over to another protocol instead of answering (upgrade.h): `status`,
  // `headers` and bodies are ignored; the handler of the new protocol answers the request.
  UpgradeHandler upgrade;

  // Who the request was served for (e.g. an API key's id), for the access log only; never
  // sent. Must not be a secret.
  std::string log_principal;
};

// `body` serialized as JSON (invalid UTF-8 is replaced, never thrown), Content-Type
// application/json.
Response Json(int status, const nlohmann::json& body);

// {"error":{"code":code,"message":message,"field":field}}; "field" omitted when empty.
Response JsonError(int status, std::string_view code, std::string_view message,
                   std::string_view field = {});

Response Text(int status, std::string body,
              std::string_view content_type = "text/plain; charset=utf-8");

// A file response (see Response::file_path).
Response File(std::string path, std::string_view content_type = "application/octet-stream");

}  // namespace vox::http
