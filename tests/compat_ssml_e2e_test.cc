// SSML on the compatible routes (VOX_COMPAT_SSML), end to end: the official openai and
// @elevenlabs/elevenlabs-js SDKs, unchanged (tests/openai/ssml_sdk.mjs,
// tests/elevenlabs/ssml_sdk.mjs), against `vox serve --compat-ssml on`: a <speak> body's
// 2 s break is heard on every route, a malformed one is the SDK's typed error and records
// nothing, alignments and timestamps point into the document, and the cache keeps SSML and
// the same characters read as text apart. Against a server left at the default (off), the
// same bodies are read as text.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kBreak = R"(<speak>One<break time="2s"/>two</speak>)";
const std::string kPlain = "<speak>One two</speak>";
const std::string kMalformed = R"(<speak>One<break time="2s">two</speak>)";
// The break is 2 s; its audio at least this much longer than the document without it.
constexpr double kMinBreakS = 1.8;

// `node tests/<sdk>/ssml_sdk.mjs BASE KEY on|off`, its JSON summary.
json RunSdk(const std::string& sdk, const std::string& base, const std::string& key,
            const std::string& mode) {
  const fs::path source(VOX_SOURCE_DIR);
  const CommandResult run = RunShell("node " + (source / "tests" / sdk / "ssml_sdk.mjs").string() +
                                     " " + base + " " + key + " " + mode);
  EXPECT_EQ(run.exit_code, 0) << sdk << " " << mode << ": " << run.out;
  json summary = json::parse(run.out, nullptr, false);
  EXPECT_FALSE(summary.is_discarded()) << run.out;
  return summary.is_discarded() ? json::object() : summary;
}

bool SdksInstalled() {
  const fs::path modules = fs::path(VOX_SOURCE_DIR) / "tests/services/node_modules";
  return fs::exists(modules / "openai/package.json") &&
         fs::exists(modules / "@elevenlabs/elevenlabs-js/package.json");
}

// An alignment as ssml_sdk.mjs reports it: the characters joined are `text`, and
// ElevenLabs' invariants hold: three arrays of one length, start <= end, never going back.
void ExpectAlignmentOn(const json& a, const std::string& text) {
  ASSERT_TRUE(a.is_object()) << a.dump();
  EXPECT_EQ(a["text"], text);
  const json &starts = a["start"], &ends = a["end"];
  ASSERT_EQ(starts.size(), a["count"].get<size_t>()) << a.dump();
  ASSERT_EQ(ends.size(), a["count"].get<size_t>()) << a.dump();
  double last = 0;
  for (size_t i = 0; i < starts.size(); ++i) {
    EXPECT_GE(starts[i].get<double>(), last) << i << ": " << a.dump();
    EXPECT_GE(ends[i].get<double>(), starts[i].get<double>()) << i << ": " << a.dump();
    last = ends[i].get<double>();
  }
}

class CompatSsmlServer : public ::testing::Test {
 protected:
  static void Start(std::vector<std::string> args) {
    dir_ = new TempDir();
    args.insert(args.end(), {"--workers", "1"});
    server_ = new ServerProcess(dir_->path() / "data", args);
    ASSERT_TRUE(server_->Start()) << server_->output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    if (!SdksInstalled())
      GTEST_FAIL() << "the SDKs are not installed; run tests/services/install.sh";
  }
  static std::string Base() { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  static ApiClient Client() { return ApiClient(server_->port(), server_->admin_key()); }
  static json Sdk(const std::string& sdk, const std::string& mode) {
    return RunSdk(sdk, sdk == "openai" ? Base() + "/v1" : Base(), server_->admin_key(), mode);
  }
  // A native stream of `text` ("text" or "ssml") on the voice OpenAI's alloy maps to; its
  // X-Vox-Cache header.
  static std::string NativeStreamCache(const std::string& text, const std::string& text_type) {
    auto r = Client().Call(
        "POST", "/v1/tts/stream",
        json{{"text", text}, {"text_type", text_type}, {"voice_id", "flite-slt"}, {"format", "pcm"}}
            .dump(),
        {{"Content-Type", "application/json"}});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : r.error().ToString());
    return r ? std::string(r->Header("X-Vox-Cache").value_or("")) : "";
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* CompatSsmlServer::dir_ = nullptr;
ServerProcess* CompatSsmlServer::server_ = nullptr;

class CompatSsmlOn : public CompatSsmlServer {
 protected:
  static void SetUpTestSuite() { Start({"--compat-ssml", "on"}); }
};

class CompatSsmlOff : public CompatSsmlServer {
 protected:
  static void SetUpTestSuite() { Start({}); }  // the default
};

TEST_F(CompatSsmlOn, SpeakBodiesAreSsmlOnBothSdksRoutes) {
  ApiClient api = Client();
  const json openai = Sdk("openai", "on");
  const json eleven = Sdk("elevenlabs", "on");

  // Malformed: the SDKs' typed errors, naming the position; nothing recorded or charged.
  const json& openai_error = openai["malformed"];
  EXPECT_TRUE(openai_error["thrown"].get<bool>()) << openai_error.dump();
  EXPECT_EQ(openai_error["class"], "BadRequestError") << openai_error.dump();
  EXPECT_EQ(openai_error["status"], 400);
  EXPECT_EQ(openai_error["param"], "input");
  EXPECT_EQ(openai_error["code"], "invalid_value");
  EXPECT_EQ(openai_error["type"], "invalid_request_error");
  EXPECT_NE(openai_error["message"].get<std::string>().find("SSML line 1, column "),
            std::string::npos)
      << openai_error.dump();
  EXPECT_TRUE(openai["nothing_recorded"].get<bool>());
  const json& eleven_error = eleven["malformed"];
  EXPECT_TRUE(eleven_error["thrown"].get<bool>()) << eleven_error.dump();
  EXPECT_EQ(eleven_error["status"], 422) << eleven_error.dump();
  const json detail = eleven_error["body"]["detail"];
  ASSERT_TRUE(detail.is_array() && !detail.empty()) << eleven_error.dump();
  EXPECT_EQ(detail[0]["loc"], json::array({"body", "text"}));
  EXPECT_TRUE(detail[0]["msg"].get<std::string>().starts_with("SSML line 1, column "))
      << detail.dump();
  EXPECT_TRUE(eleven["nothing_recorded"].get<bool>());

  // OpenAI: the break is heard; the stream's job keeps word timestamps on the document.
  const double openai_break = openai["with_break"]["seconds"].get<double>();
  const double openai_plain = openai["without_break"]["seconds"].get<double>();
  EXPECT_GT(openai_plain, 0.2) << openai.dump();
  EXPECT_GE(openai_break - openai_plain, kMinBreakS) << openai.dump();
  const std::string job_id = openai["with_break"]["job_id"];
  EXPECT_EQ(api.WaitForFinal(job_id).value("status", ""), "done");
  auto timestamps = api.Call("GET", "/v1/tts/job/" + job_id + "/timestamps");
  ASSERT_TRUE(timestamps && timestamps->status == 200) << (timestamps ? timestamps->body : "");
  const json words = timestamps->JsonBody()["timestamps"];
  ASSERT_EQ(words.size(), 2u) << words.dump();
  EXPECT_EQ(words[0]["word"], "One");
  EXPECT_EQ(words[1]["word"], "two");
  EXPECT_EQ(words[1]["char_start"].get<size_t>(), kBreak.find("two"));  // ASCII: bytes = chars
  EXPECT_GE(words[1]["start"].get<double>() - words[0]["end"].get<double>(), kMinBreakS);

  // ElevenLabs: convert and stream hear the break; both with-timestamps routes align the
  // document's characters (markup included, timed in the pause) and the spoken words.
  EXPECT_GE(eleven["convert_break"].get<double>() - eleven["convert_plain"].get<double>(),
            kMinBreakS)
      << eleven.dump();
  EXPECT_GE(eleven["stream_break"].get<double>() - eleven["stream_plain"].get<double>(), kMinBreakS)
      << eleven.dump();
  const json& timed = eleven["with_timestamps"];
  ExpectAlignmentOn(timed["alignment"], kBreak);
  ExpectAlignmentOn(eleven["stream_with_timestamps"]["alignment"], kBreak);
  ASSERT_TRUE(timed["normalized"].is_object()) << timed.dump();
  const std::string spoken = timed["normalized"]["text"];
  EXPECT_EQ(spoken.find("speak"), std::string::npos) << spoken;
  EXPECT_EQ(spoken.find("break"), std::string::npos) << spoken;
  ExpectAlignmentOn(timed["normalized"], spoken);
  // "One" ends before the pause, "two" starts after it.
  const json& starts = timed["alignment"]["start"];
  const json& ends = timed["alignment"]["end"];
  const size_t one_end = kBreak.find("One") + 2, two = kBreak.find("two");
  EXPECT_GE(starts[two].get<double>() - ends[one_end].get<double>(), kMinBreakS) << timed.dump();
  EXPECT_LE(ends.back().get<double>(), timed["seconds"].get<double>() + 0.05);

  // The cache: the document read as text is other audio than the document as SSML (a miss,
  // then a hit); as native SSML it is what the compatible routes made (a hit).
  EXPECT_EQ(NativeStreamCache(kPlain, "text"), "miss");
  EXPECT_EQ(NativeStreamCache(kPlain, "text"), "hit");
  EXPECT_EQ(NativeStreamCache(kPlain, "ssml"), "hit");
}

TEST_F(CompatSsmlOff, SpeakBodiesAreReadAsText) {
  // Even a malformed document is just text: spoken, its characters aligned as sent.
  const json openai = Sdk("openai", "off");
  EXPECT_GT(openai["as_text"]["seconds"].get<double>(), 0.5) << openai.dump();
  const json eleven = Sdk("elevenlabs", "off");
  const json& as_text = eleven["as_text"];
  ExpectAlignmentOn(as_text["alignment"], kMalformed);
  ASSERT_TRUE(as_text["normalized"].is_object()) << as_text.dump();
  EXPECT_NE(as_text["normalized"]["text"].get<std::string>().find("speak"), std::string::npos)
      << as_text.dump();
}

}  // namespace
}  // namespace vox::testing
