// Structured logs: what an operator's log pipeline receives, line by line.
#include "obs/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace vox::obs {
namespace {

using nlohmann::json;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  void TearDown() override { spdlog::set_default_logger(saved_); }

  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> saved_;
};

TEST_F(LogTest, JsonLinesCarryLevelTimeMessageAndTheThreadsIds) {
  ConfigureLogging(LogFormat::kJson, spdlog::level::info, /*to_stderr=*/false);
  spdlog::info("before any request");
  {
    LogContext request("req-1", "");
    spdlog::warn("submitted {}", 3);
    {
      LogContext job("", "job-9");
      spdlog::error("inner");
    }
    spdlog::info("back in the request");
  }
  spdlog::debug("below the level");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 4u) << out_.str();
  std::vector<json> parsed;
  for (const auto& l : lines) {
    parsed.push_back(json::parse(l, nullptr, false));
    ASSERT_FALSE(parsed.back().is_discarded()) << l;
  }
  EXPECT_EQ(parsed[0]["message"], "before any request");
  EXPECT_EQ(parsed[0]["level"], "info");
  EXPECT_FALSE(parsed[0].contains("request_id"));
  EXPECT_EQ(parsed[1]["message"], "submitted 3");
  EXPECT_EQ(parsed[1]["level"], "warning");
  EXPECT_EQ(parsed[1]["request_id"], "req-1");
  EXPECT_EQ(parsed[2]["request_id"], "req-1");
  EXPECT_EQ(parsed[2]["job_id"], "job-9");
  EXPECT_FALSE(parsed[3].contains("job_id"));
  EXPECT_EQ(parsed[3]["request_id"], "req-1");
  // 2026-12-05T20:51:07.123Z
  const std::string time = parsed[0]["time"];
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time.back(), 'Z');
}

TEST_F(LogTest, FieldsBecomeKeysAndHostileTextStaysOneValidLine) {
  ConfigureLogging(LogFormat::kJson, spdlog::level::info, /*to_stderr=*/false);
  LogWithFields(spdlog::level::info, "request",
                {{"method", "POST"}, {"status", 202}, {"route", "/v1/tts/synthesize"}});
  spdlog::info("evil \xff\xfe bytes\n{{\"level\":\"fake\"}}");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 2u) << out_.str();
  json access = json::parse(lines[0]);
  EXPECT_EQ(access["status"], 202);
  EXPECT_EQ(access["route"], "/v1/tts/synthesize");
  json evil = json::parse(lines[1], nullptr, false);
  ASSERT_FALSE(evil.is_discarded()) << lines[1];
  EXPECT_NE(evil["level"], "fake");
}

TEST_F(LogTest, TextLinesAppendIdsAndFields) {
  ConfigureLogging(LogFormat::kText, spdlog::level::info, /*to_stderr=*/false);
  LogContext request("req-2", "job-3");
  LogWithFields(spdlog::level::info, "request", {{"status", 200}, {"route", "/healthz"}});
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("request request_id=req-2 job_id=job-3"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("route=/healthz"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("status=200"), std::string::npos) << lines[0];
}

TEST(LogSettings, ParseNamesTheSetting) {
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml").error().field, "VOX_LOG_FORMAT");
  EXPECT_EQ(*ParseLogLevel("error"), spdlog::level::err);
  EXPECT_EQ(*ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(ParseLogLevel("loud").error().field, "VOX_LOG_LEVEL");
}

}  // namespace
}  // namespace vox::obs
