#include "http/response.h"

#include <utility>

namespace vox::http {

Response Json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.headers.Add("Content-Type", "application/json");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response JsonError(int status, std::string_view code, std::string_view message,
                   std::string_view field) {
  nlohmann::json error = {{"code", code}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  return Json(status, {{"error", std::move(error)}});
}

Response Text(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.headers.Add("Content-Type", content_type);
  r.body = std::move(body);
  return r;
}

Response File(std::string path, std::string_view content_type) {
  Response r;
  r.headers.Add("Content-Type", content_type);
  r.file_path = std::move(path);
  return r;
}

}  // namespace vox::http
