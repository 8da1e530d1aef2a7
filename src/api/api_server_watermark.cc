// POST /v1/watermark/detect: is this audio Vox's, and which job made it (watermark/).
#include "api/api_responses.h"
#include "api/api_server.h"
#include "common/crypto.h"
#include "http/multipart.h"
#include "watermark/detect_audio.h"

namespace vox::api {

void ApiServer::DetectWatermark(http::Request& request, http::Responder respond) {
  const std::string content_type = HeaderCopy(request, "Content-Type").value_or("");
  if (!content_type.starts_with("multipart/form-data")) {
    return respond(http::JsonError(415, "unsupported_media_type",
                                   "Content-Type must be multipart/form-data", "Content-Type"));
  }
  Authed(
      request, std::move(respond),
      [this, &request, content_type](const Principal& who) -> http::Response {
        if (watermarker_ == nullptr) {
          return http::JsonError(503, "unavailable", "watermark detection is not set up here");
        }
        auto parts = http::ParseMultipart(request.Body(), content_type);
        if (!parts) return FromError(parts.error());
        const http::MultipartPart* file = http::FindPart(*parts, "file");
        if (file == nullptr || file->content.empty()) {
          return FromError(InvalidArgument("an audio part \"file\" is required", "file").error());
        }
        auto report = watermark::DetectAudio(*watermarker_, &store_, file->content);
        if (!report) return FromError(report.error());
        const nlohmann::json body = report->ToJson();

        // Who asked about which audio, and what it said (issue #14: detections are audited).
        store::AuditEvent audit;
        audit.actor_user_id = who.user_id;
        audit.actor_key_id = who.key_id;
        audit.action = "watermark.detect";
        audit.target_type = report->mark_id ? "wyoming" : "job";
        audit.target_id = report->mark_id ? *report->mark_id : report->job_id.value_or("");
        audit.request_id = request.request_id;
        nlohmann::json detail = body;
        detail["file_sha256"] = Sha256Hex(file->content);
        audit.detail = detail.dump();
        (void)store_.AppendAudit(audit);
        return http::Json(200, body);
      });
}

}  // namespace vox::api
