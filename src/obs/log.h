// Structured logs: spdlog's default logger as plain text or one JSON object per
// line, carrying the request id and job id of the work the thread is doing.
//
//   {"time":"2026-12-05T20:51:07.123Z","level":"info","message":"request",
//    "request_id":"9f..","method":"POST","route":"/v1/tts/synthesize","status":202,...}
//
// The ids come from a LogContext on the current thread (set where a request or
// job is picked up), so code deep in a module logs with spdlog as usual and
// still gets them. Secrets never go into fields: callers pass ids, never keys.
#pragma once

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::obs {

enum class LogFormat { kText, kJson };

// "text" or "json" (VOX_LOG_FORMAT / --log-format); the error names the setting.
Result<LogFormat> ParseLogFormat(std::string_view name);
// "trace", "debug", "info", "warn", "error", "critical", "off" (VOX_LOG_LEVEL).
Result<spdlog::level::level_enum> ParseLogLevel(std::string_view name);

// Installs the format and level on spdlog's default logger, first replacing it
// with one on stderr when `to_stderr` (stdout stays for what a command prints:
// keys, "listening on"). Call once at start-up, before other threads log.
void ConfigureLogging(LogFormat format, spdlog::level::level_enum level, bool to_stderr = true);

// The request and job this thread is working for, until the scope ends
// (scopes nest: the inner one's non-empty ids win, the outer ones come back).
class LogContext {
 public:
  LogContext(std::string_view request_id, std::string_view job_id);
  ~LogContext();
  LogContext(const LogContext&) = delete;
  LogContext& operator=(const LogContext&) = delete;

 private:
  std::string saved_request_id_, saved_job_id_;
};

// Logs `message` with `fields` (a flat JSON object) added: as keys of the JSON
// line, or as " key=value" pairs after the text line.
void LogWithFields(spdlog::level::level_enum level, std::string_view message,
                   const nlohmann::json& fields);

}  // namespace vox::obs
