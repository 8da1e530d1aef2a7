// The wire format: header parsing within limits, data merging, serialization.
#include "wyoming/event.h"

#include <gtest/gtest.h>

#include "wyoming/config.h"

namespace vox::wyoming {
namespace {

const HeaderLimits kLimits{1000, 100};

TEST(WyomingEvent, ParsesAHeaderWithLengths) {
  auto h = ParseHeader(R"({"type":"synthesize","data":{"text":"hi"},"data_length":12,)"
                       R"("payload_length":4,"version":"1.7.2"})",
                       kLimits);
  ASSERT_TRUE(h) << h.error().ToString();
  EXPECT_EQ(h->type, "synthesize");
  EXPECT_EQ(h->data["text"], "hi");
  EXPECT_EQ(h->data_length, 12u);
  EXPECT_EQ(h->payload_length, 4u);
}

TEST(WyomingEvent, RejectsMalformedHeadersNamingTheField) {
  struct Case {
    const char* line;
    ErrorCode code;
    const char* field;
  } cases[] = {
      {"{not json", ErrorCode::kInvalidArgument, ""},
      {"[1,2]", ErrorCode::kInvalidArgument, ""},
      {R"({"data":{}})", ErrorCode::kInvalidArgument, "type"},
      {R"({"type":""})", ErrorCode::kInvalidArgument, "type"},
      {R"({"type":7})", ErrorCode::kInvalidArgument, "type"},
      {R"({"type":"x","data":"text"})", ErrorCode::kInvalidArgument, "data"},
      {R"({"type":"x","data_length":-1})", ErrorCode::kInvalidArgument, "data_length"},
      {R"({"type":"x","data_length":"5"})", ErrorCode::kInvalidArgument, "data_length"},
      {R"({"type":"x","payload_length":1.5})", ErrorCode::kInvalidArgument, "payload_length"},
      {R"({"type":"x","data_length":1001})", ErrorCode::kResourceExhausted, "data_length"},
      {R"({"type":"x","payload_length":101})", ErrorCode::kResourceExhausted, "payload_length"},
      {R"({"type":"x","payload_length":99999999999999999999})", ErrorCode::kInvalidArgument,
       "payload_length"},
  };
  for (const auto& c : cases) {
    auto h = ParseHeader(c.line, kLimits);
    ASSERT_FALSE(h) << c.line;
    EXPECT_EQ(h.error().code, c.code) << c.line;
    EXPECT_EQ(h.error().field, c.field) << c.line;
  }
}

TEST(WyomingEvent, MergesAdditionalDataOverInlineData) {
  auto h = ParseHeader(R"({"type":"synthesize","data":{"text":"a","keep":1}})", kLimits);
  ASSERT_TRUE(h);
  ASSERT_TRUE(MergeData(*h, R"({"text":"b","voice":{"name":"flite-slt"}})"));
  EXPECT_EQ(h->data["text"], "b");
  EXPECT_EQ(h->data["keep"], 1);
  EXPECT_EQ(h->data["voice"]["name"], "flite-slt");
  EXPECT_FALSE(MergeData(*h, "[1]"));
  EXPECT_FALSE(MergeData(*h, "{"));
}

TEST(WyomingEvent, SerializesDataAndPayloadAfterTheHeaderLine) {
  std::string bytes = Serialize({"audio-chunk", {{"rate", 16000}}, std::string("\x01\x02\n", 3)});
  size_t newline = bytes.find('\n');
  auto header = nlohmann::json::parse(bytes.substr(0, newline));
  EXPECT_EQ(header["type"], "audio-chunk");
  EXPECT_EQ(header["version"], kProtocolVersion);
  EXPECT_FALSE(header.contains("data"));
  std::string data = R"({"rate":16000})";
  EXPECT_EQ(header["data_length"], data.size());
  EXPECT_EQ(header["payload_length"], 3);
  EXPECT_EQ(bytes.substr(newline + 1), data + std::string("\x01\x02\n", 3));

  std::string bare = Serialize({"audio-stop", nlohmann::json::object(), {}});
  EXPECT_EQ(bare.find('\n'), bare.size() - 1);
  EXPECT_FALSE(nlohmann::json::parse(bare).contains("data_length"));
}

TEST(WyomingConfig, ValidateNamesTheSetting) {
  WyomingConfig config;
  EXPECT_TRUE(config.Validate());
  config.listen = "127.0.0.1:10200";
  EXPECT_TRUE(config.Validate());
  config.listen = "[::1]:0";
  EXPECT_TRUE(config.Validate());
  for (const char* bad : {"10200", "host:", "host:65536", ":10200", "::1:10200", "h:1x"}) {
    config.listen = bad;
    auto s = config.Validate();
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().field, "VOX_WYOMING_LISTEN") << bad;
  }
  config.listen.clear();
  config.max_connections = 0;
  EXPECT_EQ(config.Validate().error().field, "VOX_WYOMING_MAX_CONNECTIONS");
  config.max_connections = 1;
  config.synthesis_threads = 0;
  EXPECT_EQ(config.Validate().error().field, "VOX_WYOMING_THREADS");
}

}  // namespace
}  // namespace vox::wyoming
