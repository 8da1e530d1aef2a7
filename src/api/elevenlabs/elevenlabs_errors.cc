#include "api/elevenlabs/elevenlabs_errors.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/quota_errors.h"

namespace vox::api::elevenlabs {
namespace {

using nlohmann::json;

// The pipeline's field names as ElevenLabs' request names them.
std::string RequestField(std::string_view field) {
  if (field == "voice") return "voice_id";
  if (field == "language") return "language_code";
  if (field == "speed") return "voice_settings.speed";
  if (field == "format" || field == "sample_rate") return "output_format";
  return std::string(field);
}

json Location(const std::string& field) {
  if (field == "output_format" || field == "optimize_streaming_latency" ||
      field == "enable_logging" || field == "inactivity_timeout" || field == "sync_alignment" ||
      field == "auto_mode") {
    return json::array({"query", field});
  }
  if (field == "voice_id") return json::array({"path", field});
  json loc = json::array({"body"});
  size_t start = 0;
  while (true) {
    const size_t dot = field.find('.', start);
    loc.push_back(field.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return loc;
}

}  // namespace

http::Response DetailError(int http_status, std::string_view status, std::string_view message) {
  return http::Json(http_status, {{"detail", {{"status", status}, {"message", message}}}});
}

http::Response ErrorResponse(const Error& e) {
  // ElevenLabs names a spent quota "quota_exceeded" (its own status is 401; Vox
  // answers 429 on every front end so clients retry nothing before the reset).
  if (IsQuotaExceeded(e)) return DetailError(429, "quota_exceeded", e.message);
  if (IsRateLimited(e)) {
    http::Response r = DetailError(429, "too_many_concurrent_requests", e.message);
    r.headers.Set("Retry-After", "1");
    return r;
  }
  const std::string field = RequestField(e.field);
  switch (e.code) {
    case ErrorCode::kResourceExhausted:
      if (field.empty()) return DetailError(429, "too_many_concurrent_requests", e.message);
      [[fallthrough]];
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnprocessable: {
      if (field == "voice_id") return DetailError(404, "voice_not_found", e.message);
      json item = {{"type", field.empty() ? "json_invalid" : "value_error"},
                   {"loc", field.empty() ? json::array({"body"}) : Location(field)},
                   {"msg", e.message}};
      return http::Json(422, {{"detail", json::array({item})}});
    }
    case ErrorCode::kNotFound:
      return DetailError(404, field == "voice_id" ? "voice_not_found" : "not_found", e.message);
    case ErrorCode::kPermissionDenied:
      return DetailError(403, "permission_denied", e.message);
    case ErrorCode::kUnauthenticated:
      return DetailError(401, "invalid_api_key",
                         "Invalid API key: send a Vox API key in the xi-api-key header.");
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kAlreadyExists:
      return DetailError(409, "conflict", e.message);
    case ErrorCode::kUnavailable: {
      http::Response r = DetailError(503, "system_busy", e.message);
      r.headers.Set("Retry-After", "1");
      return r;
    }
    default:
      spdlog::error("elevenlabs route: {}", e.ToString());
      return DetailError(500, "internal_error", "The server had an error processing the request.");
  }
}

SocketError SocketErrorFor(const Error& e) {
  const std::string field = RequestField(e.field);
  auto named = [&](std::string text) { return field.empty() ? text : field + ": " + text; };
  switch (e.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnprocessable:
    case ErrorCode::kNotFound:
      if (field == "voice_id") return {1008, "voice_not_found", e.message};
      return {1008, "invalid_request", named(e.message)};
    case ErrorCode::kUnauthenticated:
      return {1008, "invalid_api_key", "Invalid API key: send a Vox API key as xi-api-key."};
    case ErrorCode::kPermissionDenied:
      return {1008, "permission_denied", e.message};
    case ErrorCode::kResourceExhausted:
      return {1013, "rate_limited", e.message};
    case ErrorCode::kUnavailable:
      return {1013, "system_busy", e.message};
    default:
      spdlog::error("elevenlabs websocket: {}", e.ToString());
      return {1011, "internal_error", "The server had an error processing the request."};
  }
}

std::string SocketError::Json() const {
  return json{{"message", message}, {"error", error}, {"code", close_code}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace vox::api::elevenlabs
