#include "obs/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <ctime>
#include <memory>

namespace vox::obs {
namespace {

struct ThreadContext {
  std::string request_id;
  std::string job_id;
  const nlohmann::json* fields = nullptr;  // set only during LogWithFields
};
thread_local ThreadContext t_context;

std::string IsoTime(std::chrono::system_clock::time_point at) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  return std::string(buf, n) + "." + std::to_string(1000 + ms.count() % 1000).substr(1) + "Z";
}

std::string_view LevelName(spdlog::level::level_enum level) {
  const auto name = spdlog::level::to_string_view(level);
  return {name.data(), name.size()};
}

// One JSON object per line. Invalid UTF-8 in a message is replaced, never thrown.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::json line = {{"time", IsoTime(msg.time)},
                           {"level", LevelName(msg.level)},
                           {"message", std::string(msg.payload.data(), msg.payload.size())}};
    if (!t_context.request_id.empty()) line["request_id"] = t_context.request_id;
    if (!t_context.job_id.empty()) line["job_id"] = t_context.job_id;
    if (t_context.fields != nullptr && t_context.fields->is_object()) {
      for (const auto& [key, value] : t_context.fields->items()) line[key] = value;
    }
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// spdlog's usual text line, with the ids and fields appended as key=value.
class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    spdlog::memory_buf_t line;
    base_.format(msg, line);
    size_t end = line.size();
    while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) --end;
    dest.append(line.data(), line.data() + end);
    auto add = [&](std::string_view key, const std::string& value) {
      const std::string pair = " " + std::string(key) + "=" + value;
      dest.append(pair.data(), pair.data() + pair.size());
    };
    if (!t_context.request_id.empty()) add("request_id", t_context.request_id);
    if (!t_context.job_id.empty()) add("job_id", t_context.job_id);
    if (t_context.fields != nullptr && t_context.fields->is_object()) {
      for (const auto& [key, value] : t_context.fields->items()) {
        add(key, value.is_string()
                     ? value.get<std::string>()
                     : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
    }
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }

 private:
  spdlog::pattern_formatter base_;
};

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return InvalidArgument("must be text or json", "VOX_LOG_FORMAT");
}

Result<spdlog::level::level_enum> ParseLogLevel(std::string_view name) {
  for (auto level :
       {spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn,
        spdlog::level::err, spdlog::level::critical, spdlog::level::off}) {
    if (name == LevelName(level) || (level == spdlog::level::err && name == "error") ||
        (level == spdlog::level::warn && name == "warn")) {
      return level;
    }
  }
  return InvalidArgument("must be trace, debug, info, warn, error, critical or off",
                         "VOX_LOG_LEVEL");
}

void ConfigureLogging(LogFormat format, spdlog::level::level_enum level, bool to_stderr) {
  if (to_stderr) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("vox", std::move(sink)));
  }
  if (format == LogFormat::kJson) {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  } else {
    spdlog::set_formatter(std::make_unique<TextFormatter>());
  }
  spdlog::set_level(level);
}

LogContext::LogContext(std::string_view request_id, std::string_view job_id)
    : saved_request_id_(t_context.request_id), saved_job_id_(t_context.job_id) {
  if (!request_id.empty()) t_context.request_id = request_id;
  if (!job_id.empty()) t_context.job_id = job_id;
}

LogContext::~LogContext() {
  t_context.request_id = std::move(saved_request_id_);
  t_context.job_id = std::move(saved_job_id_);
}

void LogWithFields(spdlog::level::level_enum level, std::string_view message,
                   const nlohmann::json& fields) {
  const nlohmann::json* saved = t_context.fields;
  t_context.fields = &fields;
  spdlog::log(level, "{}", message);
  t_context.fields = saved;
}

}  // namespace vox::obs
