// OpenAI's error shape, in one place for the OpenAI front end:
//   {"error":{"message":"...","type":"invalid_request_error","param":"speed","code":"..."}}
// with OpenAI's statuses: 400 invalid requests (param named), 401 invalid_api_key,
// 403 insufficient_scope (a key without the route's scope),
// 404 model_not_found, 429 rate_limit_exceeded (a rate or the plan's concurrency), 429
// insufficient_quota (type and code: the plan's monthly characters), 500/503 server_error.
#pragma once

#include <string_view>

#include "common/status.h"
#include "http/response.h"

namespace vox::api::openai {

// A request error: `field` carries the param, the message is prefixed "code\n" internally.
Error OpenAiInvalid(std::string_view param, std::string_view code, const std::string& message);
// The same, as the failed Result a parser returns.
inline std::unexpected<Error> InvalidParam(std::string_view param, std::string_view code,
                                           const std::string& message) {
  return std::unexpected(OpenAiInvalid(param, code, message));
}

// Any vox::Error as an OpenAI error response. Errors made by OpenAiInvalid keep their code;
// others are mapped by ErrorCode (pipeline field names become OpenAI's params: voice_id and
// voice -> voice, text -> input).
http::Response OpenAiErrorResponse(const Error& error);

http::Response OpenAiError(int status, std::string_view type, std::string_view code,
                           std::string_view param, std::string_view message);

}  // namespace vox::api::openai
