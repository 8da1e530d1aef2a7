// End-to-end ElevenLabs WebSocket input streaming (GET /v1/text-to-speech/{voice_id}/
// stream-input) against `vox serve`, driven by the pinned npm `ws` client
// (tests/elevenlabs/stream_input.mjs) and judged here: text sent in pieces comes back as
// audio of a plausible length whose alignment characters join to the text, each session is
// a recorded job, and bad input of every kind ends in a close with a clear code and reason;
// and the first message's chunk_length_schedule decides when audio starts
// (tests/elevenlabs/chunk_schedule.mjs).
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

// Runs tests/elevenlabs/`script` against `server` with `args` after the base URL and key;
// its JSON summary, or null (the test has failed).
json RunScript(const ServerProcess& server, const std::string& script, const std::string& args) {
  const fs::path source(VOX_SOURCE_DIR);
  if (!fs::exists(source / "tests/services/node_modules/ws/package.json")) {
    ADD_FAILURE() << "the ws package is not installed; run tests/services/install.sh";
    return nullptr;
  }
  const CommandResult run = RunShell("node " + (source / "tests/elevenlabs" / script).string() +
                                     " ws://127.0.0.1:" + std::to_string(server.port()) + " " +
                                     server.admin_key() + " " + args);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  const json s = json::parse(run.out, nullptr, false);
  if (run.exit_code != 0 || s.is_discarded()) {
    ADD_FAILURE() << run.out;
    return nullptr;
  }
  return s;
}

TEST(ElevenLabsWebSocketE2E, TextInPiecesAudioOutAndBadInputClosedClearly) {
  TempDir dir;
  ServerProcess server(dir.path());
  ASSERT_TRUE(server.Start());
  TempDir out;
  const json s = RunScript(server, "stream_input.mjs", out.path().string());
  ASSERT_FALSE(s.is_null());

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

// A small schedule speaks while the text is still arriving; the largest waits for the end
// (the text is one sentence under 500 characters) unless auto_mode is on; each speaks the
// whole text. A schedule out
// of range closes 1008 in the protocol's shape and speaks nothing, records nothing.
TEST(ElevenLabsWebSocketE2E, ChunkLengthScheduleDecidesWhenAudioStarts) {
  TempDir dir;
  ServerProcess server(dir.path());
  ASSERT_TRUE(server.Start());
  const json s = RunScript(server, "chunk_schedule.mjs", "");
  ASSERT_FALSE(s.is_null());
  const std::string text = s["text"];
  for (const char* name : {"small", "large", "auto"}) {
    const json& r = s[name];
    SCOPED_TRACE(std::string(name) + ": " + r.dump().substr(0, 600));
    EXPECT_EQ(r["close"]["code"], 1000);
    EXPECT_TRUE(r["final"].get<bool>());
    EXPECT_TRUE(r["errors"].empty());
    EXPECT_EQ(r["chars"], text) << "the whole text is spoken, once";
    EXPECT_GT(r["bytes"].get<int64_t>(), 16000 * 2 * 5) << "under 5 s of audio for the text";
  }
  EXPECT_GT(s["small"]["audio_before_end"].get<int>(), 0)
      << "[50]: no audio before {\"text\":\"\"}";
  EXPECT_GT(s["small"]["audio_messages"].get<int>(), 2) << "[50]: not spoken in pieces";
  EXPECT_EQ(s["large"]["audio_before_end"].get<int>(), 0)
      << "[500]: audio before the end of the text";
  EXPECT_GT(s["auto"]["audio_before_end"].get<int>(), 0) << "auto_mode=true: the schedule held";
  std::printf(
      "[50]: first audio %s ms after the first word (sending took %s ms), %s messages; "
      "[500]: none in %s ms of waiting, %s messages after the end\n",
      s["small"]["first_audio_ms"].dump().c_str(), s["small"]["sent_ms"].dump().c_str(),
      s["small"]["audio_messages"].dump().c_str(), s["large"]["waited_ms"].dump().c_str(),
      s["large"]["audio_messages"].dump().c_str());

  const json& bad = s["bad"];
  ExpectClosed(bad, 1008, "invalid_request");
  EXPECT_NE(bad["errors"][0]["message"].get<std::string>().find("chunk_length_schedule"),
            std::string::npos)
      << bad.dump();
  EXPECT_EQ(bad["audio_messages"], 0);
  ApiClient api(server.port(), server.admin_key());
  json jobs;
  for (int i = 0; i < 50; ++i) {  // the streams' rows are written as they end
    auto listed = api.Call("GET", "/v1/tts/jobs?limit=20");
    ASSERT_TRUE(listed);
    jobs = listed->JsonBody()["jobs"];
    if (jobs.size() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // anything late would show
  auto listed = api.Call("GET", "/v1/tts/jobs?limit=20");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->JsonBody()["jobs"].size(), 3u) << "not one job per spoken session";
}

}  // namespace
}  // namespace vox::testing
