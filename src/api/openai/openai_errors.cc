#include "api/openai/openai_errors.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/quota_errors.h"

namespace vox::api::openai {
namespace {

using nlohmann::json;
constexpr char kCodeMark = '\x1f';  // separates our OpenAI code from the message

std::string_view Param(std::string_view field) {
  if (field == "voice_id") return "voice";
  if (field == "text") return "input";
  if (field == "format") return "response_format";
  return field;
}

}  // namespace

Error OpenAiInvalid(std::string_view param, std::string_view code, const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, std::string(code) + kCodeMark + message,
               std::string(param)};
}

http::Response OpenAiError(int status, std::string_view type, std::string_view code,
                           std::string_view param, std::string_view message) {
  json error = {{"message", message},
                {"type", type},
                {"param", param.empty() ? json(nullptr) : json(param)},
                {"code", code.empty() ? json(nullptr) : json(code)}};
  return http::Json(status, {{"error", error}});
}

http::Response OpenAiErrorResponse(const Error& e) {
  const std::string_view param = Param(e.field);
  if (auto mark = e.message.find(kCodeMark); mark != std::string::npos) {
    return OpenAiError(400, "invalid_request_error", std::string_view(e.message).substr(0, mark),
                       param, std::string_view(e.message).substr(mark + 1));
  }
  // OpenAI's own two 429s: a spent quota (insufficient_quota) and a rate.
  if (IsQuotaExceeded(e))
    return OpenAiError(429, "insufficient_quota", "insufficient_quota", "", e.message);
  if (IsRateLimited(e)) {
    http::Response r = OpenAiError(429, "requests", "rate_limit_exceeded", "", e.message);
    r.headers.Set("Retry-After", "1");
    return r;
  }
  if (e.code == ErrorCode::kPermissionDenied && e.field == "scope") {  // scopes.h MissingScope
    return OpenAiError(403, "invalid_request_error", "insufficient_scope", "",
                       "You have insufficient permissions for this operation: " + e.message + ".");
  }
  switch (e.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnprocessable:
    case ErrorCode::kNotFound:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kResourceExhausted:
      return OpenAiError(400, "invalid_request_error", "invalid_value", param, e.message);
    case ErrorCode::kUnauthenticated:
      return OpenAiError(401, "invalid_request_error", "invalid_api_key", "",
                         "Incorrect API key provided. You can find your Vox API key in the "
                         "output of `vox keys create`.");
    case ErrorCode::kUnavailable: {
      http::Response r = OpenAiError(503, "server_error", "", "", e.message);
      r.headers.Set("Retry-After", "1");
      return r;
    }
    default:
      spdlog::error("openai route: {}", e.ToString());
      return OpenAiError(500, "server_error", "", "",
                         "The server had an error while processing "
                         "your request.");
  }
}

}  // namespace vox::api::openai
