#include "cli/watermark_setup.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace vox::cli {

Result<std::unique_ptr<watermark::Watermarker>> StartWatermarker(store::Store& store) {
  VOX_ASSIGN_OR_RETURN(auto config, watermark::WatermarkConfig::FromEnv());
  VOX_ASSIGN_OR_RETURN(auto watermarker, watermark::Watermarker::Create(config));
  spdlog::info("{}", config.ToString());
  if (!config.enabled) {
    spdlog::warn("VOX_WATERMARK=off: audio is produced without a watermark");
    store::AuditEvent audit;
    audit.action = "watermark.disabled";
    audit.target_type = "server";
    audit.target_id = std::to_string(::getpid());
    audit.detail = nlohmann::json{{"setting", "VOX_WATERMARK=off"}}.dump();
    if (auto s = store.AppendAudit(audit); !s) {
      // Marks off without a record must not happen silently: refuse to start.
      return std::unexpected(s.error());
    }
  } else if (watermarker->development_key()) {
    spdlog::warn(
        "watermark key: the development key (no VOX_WATERMARK_KEY_FILE); anyone can read "
        "and forge these marks");
  }
  return watermarker;
}

}  // namespace vox::cli
