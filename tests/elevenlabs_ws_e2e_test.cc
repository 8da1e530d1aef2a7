// End-to-end ElevenLabs WebSocket input streaming (GET /v1/text-to-speech/{voice_id}/
// stream-input) against `vox serve`, driven by the pinned npm `ws` client
// (tests/elevenlabs/stream_input.mjs) and judged here: text sent in pieces comes back as
// audio of a plausible length whose alignment characters join to the text, each session is
// a recorded job, and bad input of every kind ends in a close with a clear code and reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "audio/dsp.h"
#include "audio/testing/ffmpeg_cli.h"
#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// tests/elevenlabs/stream_input.mjs's PIECES joined.
const std::string kText =
    "Hello from Vox. It streams text in pieces, as it is typed. Dr. Smith paid $3.50 today!";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void ExpectRoundTrip(const json& s, const std::string& raw_format, int rate) {
  SCOPED_TRACE(s.dump().substr(0, 600));
  EXPECT_EQ(s["close"]["code"], 1000);
  EXPECT_TRUE(s["final"].get<bool>()) << "no {\"isFinal\":true} at the end";
  EXPECT_GT(s["audio_messages"].get<int>(), 2) << "not streamed in pieces";
  EXPECT_TRUE(s["errors"].empty());
  EXPECT_EQ(s["chars"], kText) << "alignment characters do not join to the text sent";
  EXPECT_TRUE(s["aligned"].get<bool>());
  EXPECT_NE(s["normalized"].get<std::string>().find("three dollars and fifty cents"),
            std::string::npos);
  audio::PcmBuffer pcm = audio::testing::DecodeWithFfmpeg(ReadAll(s["file"]), raw_format, rate);
  EXPECT_GT(pcm.duration_s(), 3.0);
  EXPECT_LT(pcm.duration_s(), 15.0);
  EXPECT_GT(audio::Rms(pcm), 0.02);
}

void ExpectClosed(const json& s, int code, const std::string& error) {
  SCOPED_TRACE(s.dump().substr(0, 600));
  ASSERT_TRUE(s["close"].is_object()) << "the server did not close";
  EXPECT_EQ(s["close"]["code"], code);
  if (error.empty()) return;
  ASSERT_EQ(s["errors"].size(), 1u);
  EXPECT_EQ(s["errors"][0]["error"], error);
  EXPECT_EQ(s["errors"][0]["code"], code);
  EXPECT_FALSE(s["close"]["reason"].get<std::string>().empty());
}

TEST(ElevenLabsWebSocketE2E, TextInPiecesAudioOutAndBadInputClosedClearly) {
  const fs::path source(VOX_SOURCE_DIR);
  if (!fs::exists(source / "tests/services/node_modules/ws/package.json")) {
    GTEST_FAIL() << "the ws package is not installed; run tests/services/install.sh";
  }
  TempDir dir;
  ServerProcess server(dir.path());
  ASSERT_TRUE(server.Start());
  TempDir out;
  const CommandResult run =
      RunShell("node " + (source / "tests/elevenlabs/stream_input.mjs").string() +
               " ws://127.0.0.1:" + std::to_string(server.port()) + " " + server.admin_key() + " " +
               out.path().string());
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const json s = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << run.out;

  ExpectRoundTrip(s["first_message_key"], "s16le", 16000);
  ExpectRoundTrip(s["header_key"], "", 0);

  ExpectClosed(s["bad_key_message"], 1008, "invalid_api_key");
  ExpectClosed(s["no_key"], 1008, "invalid_api_key");
  EXPECT_EQ(s["bad_key_header"]["http_status"], 401);
  EXPECT_EQ(s["bad_key_header"]["http_body"]["detail"]["status"], "invalid_api_key");
  EXPECT_EQ(s["bad_query"]["http_status"], 422);
  EXPECT_EQ(s["bad_query"]["http_body"]["detail"][0]["loc"],
            json::array({"query", "inactivity_timeout"}));
  ExpectClosed(s["bad_json"], 1008, "invalid_request");
  ExpectClosed(s["wrong_type"], 1008, "invalid_request");
  EXPECT_NE(s["wrong_type"]["errors"][0]["message"].get<std::string>().find("text"),
            std::string::npos);
  ExpectClosed(s["binary"], 1003, "invalid_request");
  ExpectClosed(s["oversized"], 1009, "");  // refused by the WebSocket layer, unread

  // Input that stops: what was sent is spoken, then the final message and a normal close.
  const json& inactive = s["inactive"];
  EXPECT_EQ(inactive["close"]["code"], 1000) << inactive.dump();
  EXPECT_TRUE(inactive["final"].get<bool>());
  EXPECT_EQ(inactive["chars"], "Nobody says more.");
  EXPECT_LT(inactive["seconds"].get<double>(), 10.0);

  // Each session is a recorded job: done for the round trips and the inactive one,
  // canceled for the client that vanished (its synthesis stopped early).
  ApiClient api(server.port(), server.admin_key());
  std::vector<json> done;
  json canceled;
  for (int i = 0; i < 100 && canceled.is_null(); ++i) {
    auto jobs = api.Call("GET", "/v1/tts/jobs?limit=20");
    ASSERT_TRUE(jobs);
    done.clear();
    const json body = jobs->JsonBody();  // kept: the loop below refers into it
    for (const json& job : body["jobs"]) {
      if (job["status"] == "canceled") canceled = job;
      if (job["status"] == "done") done.push_back(job);  // newest first
    }
    if (canceled.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(canceled.is_null())
      << "the vanished client's stream was not recorded: " << s["vanished"].dump();
  EXPECT_LT(canceled["duration_s"].get<double>(), 30.0) << "synthesis went on without a reader";
  ASSERT_EQ(done.size(), 3u);
  for (const json& job : done) EXPECT_GT(job["audio_bytes"].get<int64_t>(), 0);
  // Word timestamps of the first round trip, spoken in five pieces: on the whole text.
  auto words =
      api.Call("GET", "/v1/tts/job/" + done[2]["job_id"].get<std::string>() + "/timestamps");
  ASSERT_TRUE(words);
  ASSERT_EQ(words->status, 200) << words->body;
  const json ts = words->JsonBody()["timestamps"];
  ASSERT_GT(ts.size(), 10u);
  double last_start = 0;
  for (const json& w : ts) {
    const auto begin = w["char_start"].get<size_t>(), end = w["char_end"].get<size_t>();
    ASSERT_LE(end, kText.size());
    EXPECT_EQ(kText.substr(begin, end - begin), w["word"].get<std::string>());
    EXPECT_GE(w["start"].get<double>(), last_start);
    last_start = w["start"].get<double>();
  }
  EXPECT_EQ(ts.back()["word"].get<std::string>().rfind("today", 0), 0u) << ts.back().dump();
}

}  // namespace
}  // namespace vox::testing
