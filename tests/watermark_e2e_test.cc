// End-to-end: every route's audio carries the watermark, through the real binary. A job's
// audio downloaded from the API is named by POST /v1/watermark/detect and by
// `vox watermark detect`; the same text again (a cache hit) is marked with the new job's id;
// a stream is marked, and a repeated stream (a cache hit, on any streamed route) is marked with
// its own job's id; OpenAI's speech (whole and as server-sent events) and ElevenLabs'
// text-to-speech (whole and streamed) name their jobs; Wyoming's audio carries the mark id its
// audit event records; a detection is audited; an upload that is not audio is a 400; with
// VOX_WATERMARK=off the start is audited and the audio is unmarked.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "audio/decode.h"
#include "common/base64.h"
#include "common/crypto.h"
#include "support/api_client.h"
#include "support/clone_upload.h"
#include "support/vox_process.h"
#include "watermark/watermarker.h"
#include "wyoming/testing/wyoming_client.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The id needs minutes of speech (the presence, seconds): a long text, one job.
std::string LongText() {
  static const char* const kSentences[] = {
      "The birch canoe slid on the smooth planks.",  "Glue the sheet to the dark blue background.",
      "It is easy to tell the depth of a well.",     "These days a chicken leg is a rare dish.",
      "Rice is often served in round bowls.",        "The juice of lemons makes fine punch.",
      "The box was thrown beside the parked truck.", "The hogs were fed chopped corn and garbage.",
      "Four hours of steady work faced us.",         "A large size in stockings is hard to sell."};
  std::string text;
  for (int round = 0; round < 6; ++round) {
    for (const char* s : kSentences) text += std::string(s) + " ";
  }
  return text;
}

// About 25 s of speech, enough to name the job among candidates (docs/BENCHMARKS.md: from
// 20 s), headed by `route` so that each route's request is a cache miss, its own synthesis.
std::string RouteText(const std::string& route) { return route + ". " + LongText().substr(0, 400); }

// `vox audit export` of the data directory, one JSON object a line.
std::vector<json> AuditLines(const fs::path& data) {
  CommandResult r = RunVox({"audit", "export", "--data", data.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

class WatermarkE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(dir_->path() / "data",
                                {"--workers", "1", "--wyoming-listen", "127.0.0.1:0"});
    server_->set_stderr_file(dir_->path() / "server.log");
    ASSERT_TRUE(server_->Start()) << server_->output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    delete server_;
    delete dir_;
  }
  ApiClient Api() { return ApiClient(server_->port(), server_->admin_key()); }

  // Submits `text` and returns {job id, its audio bytes}.
  std::pair<std::string, std::string> JobAudio(const std::string& text) {
    ApiClient api = Api();
    auto job = api.Submit({{"text", text}, {"voice_id", "flite-kal"}, {"format", "wav"}});
    EXPECT_TRUE(job && job->status == 202) << (job ? job->body : "");
    if (!job || job->status != 202) return {};
    const std::string id = job->JsonBody()["job_id"];
    json done = api.WaitForFinal(id, std::chrono::seconds(300));
    EXPECT_EQ(done.value("status", ""), "done") << done.dump();
    auto audio = ApiClient(server_->port(), "").Call("GET", done.value("audio_url", ""));
    EXPECT_TRUE(audio && audio->status == 200);
    return {id, audio ? audio->body : ""};
  }

  json Detect(const std::string& bytes, int want_status = 200) {
    ApiClient api = Api();
    auto r = Upload(api, "/v1/watermark/detect", {Part("file", bytes, "audio.bin")});
    EXPECT_TRUE(r.has_value());
    if (!r) return {};
    EXPECT_EQ(r->status, want_status) << r->body;
    return r->JsonBody();
  }

  // The audio of a streamed route is marked and names the job its header gave.
  void ExpectNamesItsJob(const http::ClientResponse& r, const std::string& audio) {
    const std::string job_id(r.Header("X-Vox-Job-Id").value_or(""));
    ASSERT_FALSE(job_id.empty());
    json found = Detect(audio);
    EXPECT_TRUE(found["watermarked"].get<bool>()) << found.dump();
    EXPECT_EQ(found["job_id"], job_id) << found.dump();
    EXPECT_EQ(found["source"], "job") << found.dump();
    EXPECT_TRUE(found["identified_by"] == "payload" || found["identified_by"] == "candidates")
        << found.dump();
    EXPECT_GT(found["audio_seconds"].get<double>(), 20) << found.dump();
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* WatermarkE2e::dir_ = nullptr;
ServerProcess* WatermarkE2e::server_ = nullptr;

TEST_F(WatermarkE2e, AJobsAudioNamesItsJobAndACacheHitNamesItsOwn) {
  auto [first_id, first_audio] = JobAudio(LongText());
  ASSERT_FALSE(first_audio.empty());
  json first = Detect(first_audio);
  EXPECT_TRUE(first["watermarked"].get<bool>()) << first.dump();
  EXPECT_EQ(first["job_id"], first_id) << first.dump();
  EXPECT_EQ(first["identified_by"], "payload") << first.dump();
  EXPECT_GT(first["confidence"].get<double>(), 0.9);

  // The CLI reads the same file the same way (and names the job from the database).
  const fs::path file = dir_->path() / "job.wav";
  std::ofstream(file, std::ios::binary) << first_audio;
  CommandResult cli =
      RunVox({"watermark", "detect", file.string(), "--data", (dir_->path() / "data").string()});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  json printed = json::parse(cli.out);
  EXPECT_TRUE(printed["watermarked"].get<bool>());
  EXPECT_EQ(printed["job_id"], first_id);

  // The same request again: served from the cache's unmarked master, marked for this job.
  auto [second_id, second_audio] = JobAudio(LongText());
  ASSERT_NE(second_id, first_id);
  EXPECT_NE(second_audio, first_audio);
  json second = Detect(second_audio);
  EXPECT_TRUE(second["watermarked"].get<bool>()) << second.dump();
  EXPECT_EQ(second["job_id"], second_id) << second.dump();
}

TEST_F(WatermarkE2e, AStreamIsMarked) {
  ApiClient api = Api();
  auto stream = api.Call(
      "POST", "/v1/tts/stream",
      json{{"text", LongText().substr(0, 400)}, {"voice_id", "flite-kal"}, {"format", "wav"}}
          .dump(),
      {{"Content-Type", "application/json"}});
  ASSERT_TRUE(stream && stream->status == 200) << (stream ? stream->body : "");
  json found = Detect(stream->body);
  EXPECT_TRUE(found["watermarked"].get<bool>()) << found.dump();
  // About 25 s of speech: the job is named, by its payload when every bit reads right (it
  // did here at sync z 17.9), else among this server's jobs (watermark/identify.h; the
  // candidates path alone is shown on shorter cuts in watermark_speech_test).
  EXPECT_EQ(found["job_id"], std::string(stream->Header("X-Vox-Job-Id").value_or("")))
      << found.dump();
  EXPECT_TRUE(found["identified_by"] == "payload" || found["identified_by"] == "candidates")
      << found.dump();
}

TEST_F(WatermarkE2e, ARepeatedStreamIsACacheHitMarkedWithItsOwnId) {
  ApiClient api = Api();
  const std::string text = LongText() + "Streamed twice.";
  auto stream = [&]() {
    auto r = api.Call("POST", "/v1/tts/stream",
                      json{{"text", text}, {"voice_id", "flite-kal"}, {"format", "wav"}}.dump(),
                      {{"Content-Type", "application/json"}});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "");
    return r ? *r : http::ClientResponse{};
  };
  const http::ClientResponse first = stream();
  EXPECT_EQ(first.Header("X-Vox-Cache").value_or(""), "miss");
  const http::ClientResponse second = stream();
  EXPECT_EQ(second.Header("X-Vox-Cache").value_or(""), "hit");
  const std::string second_id(second.Header("X-Vox-Job-Id").value_or(""));
  ASSERT_NE(second_id, std::string(first.Header("X-Vox-Job-Id").value_or("")));
  // The same speech (the master is lossless), marked for each stream.
  auto a = audio::Decode(first.body), b = audio::Decode(second.body);
  ASSERT_TRUE(a && b);
  EXPECT_NEAR(b->duration_s(), a->duration_s(), 0.01);
  EXPECT_NE(first.body, second.body);
  json found = Detect(second.body);
  EXPECT_TRUE(found["watermarked"].get<bool>()) << found.dump();
  EXPECT_EQ(found["job_id"], second_id) << found.dump();
  json job = api.WaitForFinal(second_id);
  EXPECT_EQ(job["status"], "done") << job.dump();
  EXPECT_TRUE(job["cache_hit"].get<bool>()) << job.dump();
  EXPECT_NEAR(job["duration_s"].get<double>(), a->duration_s(), 0.05);

  // Another streamed route with the same speech is a hit too (ElevenLabs', as MP3).
  auto eleven =
      ApiClient(server_->port(), "")
          .Call("POST", "/v1/text-to-speech/flite-kal/stream", json{{"text", text}}.dump(),
                {{"Content-Type", "application/json"}, {"xi-api-key", server_->admin_key()}});
  ASSERT_TRUE(eleven && eleven->status == 200) << (eleven ? eleven->body.substr(0, 300) : "");
  EXPECT_EQ(eleven->Header("X-Vox-Cache").value_or(""), "hit");
  auto mp3 = audio::Decode(eleven->body);
  ASSERT_TRUE(mp3.has_value());
  EXPECT_NEAR(mp3->duration_s(), a->duration_s(), 0.1);
  // Other speech is not a hit.
  auto other = api.Call(
      "POST", "/v1/tts/stream",
      json{{"text", "Not heard before."}, {"voice_id", "flite-kal"}, {"format", "wav"}}.dump(),
      {{"Content-Type", "application/json"}});
  ASSERT_TRUE(other && other->status == 200);
  EXPECT_EQ(other->Header("X-Vox-Cache").value_or(""), "miss");
}

TEST_F(WatermarkE2e, OpenAiSpeechIsMarkedWholeAndAsServerSentEvents) {
  ApiClient api = Api();
  auto speech = [&](const std::string& text, json extra) {
    extra.update({{"model", "tts-1"}, {"voice", "alloy"}, {"input", text}});
    auto r =
        api.Call("POST", "/v1/audio/speech", extra.dump(), {{"Content-Type", "application/json"}});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body.substr(0, 300) : "");
    return r ? *r : http::ClientResponse{};
  };
  // The whole file, in OpenAI's default format (MP3).
  const http::ClientResponse whole = speech(RouteText("OpenAI speech"), json::object());
  ExpectNamesItsJob(whole, whole.body);

  // Server-sent events: the audio is the deltas' base64 pieces joined.
  const http::ClientResponse sse =
      speech(RouteText("OpenAI events"), {{"stream_format", "sse"}, {"response_format", "wav"}});
  std::string audio;
  std::istringstream events(sse.body);
  for (std::string line; std::getline(events, line);) {
    if (!line.starts_with("data: ")) continue;
    json event = json::parse(line.substr(6));
    if (event["type"] != "speech.audio.delta") continue;
    auto piece = Base64Decode(event["audio"].get<std::string>());
    ASSERT_TRUE(piece.has_value());
    audio += *piece;
  }
  ExpectNamesItsJob(sse, audio);
}

TEST_F(WatermarkE2e, ElevenLabsTextToSpeechIsMarkedWholeAndStreamed) {
  ApiClient eleven(server_->port(), "");
  for (const char* path : {"/v1/text-to-speech/flite-kal", "/v1/text-to-speech/flite-kal/stream"}) {
    SCOPED_TRACE(path);
    auto r =
        eleven.Call("POST", path, json{{"text", RouteText(path)}}.dump(),
                    {{"Content-Type", "application/json"}, {"xi-api-key", server_->admin_key()}});
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body.substr(0, 300) : "");
    ExpectNamesItsJob(*r, r->body);  // ElevenLabs' default, MP3 at 128 kbit/s
  }
}

// Wyoming has no jobs: its audio carries a fresh id that the synthesis's audit event records
// as its target (`mark_id`). The detect route names it among the recent Wyoming syntheses:
// source "wyoming", the mark id and the audit row, no job.
TEST_F(WatermarkE2e, WyomingAudioIsNamedByItsAuditEvent) {
  const uint16_t port = wyoming::testing::AnnouncedPort(server_->output());
  ASSERT_NE(port, 0) << server_->output();
  wyoming::testing::WyomingClient client(port);
  const std::string text = RouteText("Wyoming");
  ASSERT_TRUE(client.Send("synthesize", {{"text", text}, {"voice", {{"name", "flite-kal"}}}}));
  std::string pcm16;
  int rate = 0;
  for (auto e = client.Read(); e && e->type != "audio-stop"; e = client.Read()) {
    ASSERT_NE(e->type, "error") << e->data.dump();
    if (e->type == "audio-start") rate = e->data["rate"].get<int>();
    if (e->type == "audio-chunk") pcm16 += e->payload;
  }
  auto pcm = audio::DecodeRawPcm(pcm16, rate);
  ASSERT_TRUE(pcm.has_value()) << pcm.error().ToString();
  EXPECT_GT(pcm->duration_s(), 20);

  // The event is written as the synthesis ends, after the last chunk.
  std::string mark_id;
  for (int i = 0; i < 50 && mark_id.empty(); ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const json& line : AuditLines(dir_->path() / "data")) {
      if (line["action"] != "wyoming.synthesize") continue;
      json detail = json::parse(line["detail"].get<std::string>());
      if (detail["text_sha256"] == Sha256Hex(text)) mark_id = detail["mark_id"];
    }
  }
  ASSERT_FALSE(mark_id.empty());
  json found = Detect(Encode(*pcm));
  EXPECT_TRUE(found["watermarked"].get<bool>()) << found.dump();
  EXPECT_EQ(found["source"], "wyoming") << found.dump();
  EXPECT_EQ(found["mark_id"], mark_id) << found.dump();
  EXPECT_TRUE(found["audit_id"].is_number_integer()) << found.dump();
  EXPECT_TRUE(found["job_id"].is_null()) << found.dump();
}

TEST_F(WatermarkE2e, UnmarkedAudioIsNotWatermarkedAndNotAudioIsA400) {
  json clean =
      Detect(Encode(Speak("espeak-en+m3", {"The quick brown fox jumps over the lazy dog."})));
  EXPECT_FALSE(clean["watermarked"].get<bool>()) << clean.dump();
  EXPECT_TRUE(clean["job_id"].is_null());

  json bad = Detect("this is a text file, not audio", 400);
  EXPECT_EQ(bad["error"]["code"], "invalid_argument") << bad.dump();
  EXPECT_EQ(bad["error"]["field"], "file") << bad.dump();

  // Every detection is on the record.
  bool audited = false;
  for (const json& line : AuditLines(dir_->path() / "data")) {
    audited = audited || line["action"] == "watermark.detect";
  }
  EXPECT_TRUE(audited);
}

// Operators may turn marking off (VOX_WATERMARK=off): the start is on the record, naming the
// process, and its audio then carries no mark, job or stream.
TEST(WatermarkOffE2e, TheStartIsAuditedAndTheAudioIsUnmarked) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--workers", "1"});
  server.set_stderr_file(dir.path() / "server.log");
  ::setenv("VOX_WATERMARK", "off", 1);
  const bool started = server.Start();
  ::unsetenv("VOX_WATERMARK");
  ASSERT_TRUE(started) << server.output();

  std::vector<json> disabled;
  for (const json& line : AuditLines(dir.path() / "data")) {
    if (line["action"] == "watermark.disabled") disabled.push_back(line);
  }
  ASSERT_EQ(disabled.size(), 1u);
  EXPECT_EQ(disabled[0]["target_type"], "server");
  EXPECT_EQ(disabled[0]["target_id"], std::to_string(server.pid()));
  EXPECT_EQ(json::parse(disabled[0]["detail"].get<std::string>())["setting"], "VOX_WATERMARK=off");

  ApiClient api(server.port(), server.admin_key());
  auto detect = [&](const std::string& audio) {
    auto r = Upload(api, "/v1/watermark/detect", {Part("file", audio, "audio.bin")});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "");
    return r ? r->JsonBody() : json();
  };
  const std::string text = RouteText("Unmarked");
  auto stream = api.Call("POST", "/v1/tts/stream",
                         json{{"text", text}, {"voice_id", "flite-kal"}, {"format", "wav"}}.dump(),
                         {{"Content-Type", "application/json"}});
  ASSERT_TRUE(stream && stream->status == 200) << (stream ? stream->body : "");
  json found = detect(stream->body);
  EXPECT_FALSE(found["watermarked"].get<bool>()) << found.dump();

  auto job =
      api.Submit({{"text", text + " Queued."}, {"voice_id", "flite-kal"}, {"format", "wav"}});
  ASSERT_TRUE(job && job->status == 202) << (job ? job->body : "");
  json done =
      api.WaitForFinal(job->JsonBody()["job_id"].get<std::string>(), std::chrono::seconds(120));
  ASSERT_EQ(done.value("status", ""), "done") << done.dump();
  auto audio = ApiClient(server.port(), "").Call("GET", done.value("audio_url", ""));
  ASSERT_TRUE(audio && audio->status == 200);
  found = detect(audio->body);
  EXPECT_FALSE(found["watermarked"].get<bool>()) << found.dump();
  EXPECT_EQ(server.Terminate(), 0);
}

}  // namespace
}  // namespace vox::testing
