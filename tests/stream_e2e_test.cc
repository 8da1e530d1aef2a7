// End-to-end streaming: `vox serve` answering POST /v1/tts/stream and OpenAI's
// /v1/audio/speech (driven by the official openai npm SDK) with audio as it is made; every
// format decoded by ffmpeg, one heard by the speech recognizer; clients that leave or never
// read stop their synthesis, and every stream leaves a job row. A generated Piper voice streams
// the same way.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "audio/dsp.h"
#include "audio/testing/ffmpeg_cli.h"
#include "support/api_client.h"
#include "support/piper_voices.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::string Sentences(int n) {
  static const char* kSentences[] = {
      "The quick brown fox jumps over the lazy dog.",
      "Streaming audio starts before the whole text is spoken.",
      "Every stream is recorded as a job with its stages and timings.",
      "A client that disconnects stops the synthesis at once.",
  };
  std::string text;
  for (int i = 0; i < n; ++i) text += std::string(kSentences[i % 4]) + " ";
  return text;
}

// One streamed request over a plain socket, timed: when the header and the first body
// byte arrived, when the first KiB did (past any container header: audio), and when the
// body ended. The chunked framing is removed.
struct Streamed {
  int status = 0;
  std::string headers;
  std::string body;
  double first_byte_s = -1;
  double first_kib_s = -1;
  double total_s = -1;
  std::string Header(const std::string& name) const {
    auto at = headers.find(name + ": ");
    if (at == std::string::npos) return {};
    at += name.size() + 2;
    return headers.substr(at, headers.find("\r\n", at) - at);
  }
};

class StreamSocket {
 public:
  explicit StreamSocket(uint16_t port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{60, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~StreamSocket() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void Post(const std::string& target, const std::string& key, const std::string& body) {
    std::string req =
        "POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
        "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    ASSERT_EQ(::send(fd_, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    sent_ = Clock::now();
  }
  // Reads until the header and at least `min_body` raw bytes after it (0: to the end).
  Streamed Read(size_t min_body = 0) {
    Streamed s;
    std::string raw;
    size_t header_end = std::string::npos;
    char buf[16384];
    while (true) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) break;
      raw.append(buf, static_cast<size_t>(n));
      if (header_end == std::string::npos) {
        header_end = raw.find("\r\n\r\n");
        if (header_end != std::string::npos) header_end += 4;
      }
      if (header_end != std::string::npos && raw.size() > header_end && s.first_byte_s < 0) {
        s.first_byte_s = Seconds();
      }
      if (header_end != std::string::npos && raw.size() >= header_end + 1024 && s.first_kib_s < 0) {
        s.first_kib_s = Seconds();
      }
      if (min_body && header_end != std::string::npos && raw.size() >= header_end + min_body) {
        break;
      }
    }
    s.total_s = Seconds();
    if (header_end == std::string::npos) return s;
    s.headers = raw.substr(0, header_end);
    s.status = std::atoi(s.headers.c_str() + 9);
    s.body = Dechunk(raw.substr(header_end));
    return s;
  }

 private:
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - sent_).count(); }
  static std::string Dechunk(const std::string& in) {
    std::string out;
    size_t at = 0;
    while (at < in.size()) {
      size_t eol = in.find("\r\n", at);
      if (eol == std::string::npos) break;
      size_t len = std::stoul(in.substr(at, eol - at), nullptr, 16);
      if (len == 0) break;
      out += in.substr(eol + 2, len);
      at = eol + 2 + len + 2;
    }
    return out;
  }
  int fd_ = -1;
  Clock::time_point sent_;
};

// Polls a stream's job row (written when the stream ends) until it is there.
json WaitForStreamJob(ApiClient& api, const std::string& id,
                      std::chrono::seconds timeout = std::chrono::seconds(30)) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto r = api.Call("GET", "/v1/tts/job/" + id);
    if (r && r->status == 200) return r->JsonBody();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return {};
}

class StreamE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ =
        new ServerProcess(dir_->path() / "data", {"--workers", "1", "--write-timeout-ms", "1500"});
    ASSERT_TRUE(server_->Start()) << server_->output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    delete server_;
    delete dir_;
  }
  ApiClient Client() { return ApiClient(server_->port(), server_->admin_key()); }

  Streamed Stream(const json& body, size_t min_body = 0, int receive_buffer = 0) {
    StreamSocket s(server_->port(), receive_buffer);
    s.Post("/v1/tts/stream", server_->admin_key(), body.dump());
    return s.Read(min_body);
  }

  json WaitForJob(const std::string& id, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    ApiClient api = Client();
    return WaitForStreamJob(api, id, timeout);
  }

  double CanceledStreams() {
    auto metrics = Client().Call("GET", "/metrics");
    const std::string series = "vox_streams_total{route=\"/v1/tts/stream\",outcome=\"canceled\"} ";
    if (!metrics) return -1;
    auto at = metrics->body.find(series);
    return at == std::string::npos ? 0 : std::atof(metrics->body.c_str() + at + series.size());
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* StreamE2e::dir_ = nullptr;
ServerProcess* StreamE2e::server_ = nullptr;

struct FormatCase {
  std::string format;
  std::string content_type;
  std::string raw;  // ffmpeg's input format for headerless output
  int raw_rate = 0;
};

TEST_F(StreamE2e, NativeStreamEveryFormatFirstAudioLongBeforeTheEnd) {
  const std::string text = Sentences(12);  // about 30 s of speech
  const std::vector<FormatCase> cases = {{"pcm", "audio/L16;rate=16000", "s16le", 16000},
                                         {"wav", "audio/wav", "", 0},
                                         {"mp3", "audio/mpeg", "", 0},
                                         {"opus", "audio/ogg", "", 0},
                                         {"flac", "audio/flac", "", 0},
                                         {"aac", "audio/aac", "", 0},
                                         {"ulaw", "audio/basic", "mulaw", 8000},
                                         {"alaw", "audio/x-alaw-basic", "alaw", 8000}};
  for (const auto& c : cases) {
    // Other text for each format: the same speech again would come from the audio cache.
    Streamed s = Stream({{"text", text + " In " + c.format + "."},
                         {"voice_id", "flite-slt"},
                         {"format", c.format}});
    ASSERT_EQ(s.status, 200) << c.format << " " << s.body.substr(0, 300);
    EXPECT_EQ(s.Header("X-Vox-Cache"), "miss");
    EXPECT_EQ(s.Header("Content-Type"), c.content_type);
    EXPECT_EQ(s.Header("Transfer-Encoding"), "chunked");
    std::printf("[stream] %-5s first audio %.3f s, total %.3f s, %zu bytes\n", c.format.c_str(),
                s.first_byte_s, s.total_s, s.body.size());
    // The first sentence's audio leaves long before the last sentence is synthesized.
    EXPECT_LT(s.first_byte_s, s.total_s * 0.3) << c.format;
    audio::PcmBuffer pcm = audio::testing::DecodeWithFfmpeg(s.body, c.raw, c.raw_rate);
    EXPECT_GT(pcm.duration_s(), 20) << c.format;
    EXPECT_GT(audio::Rms(pcm), 0.02) << c.format;
    json job = WaitForJob(s.Header("X-Vox-Job-Id"));
    EXPECT_EQ(job.value("status", ""), "done") << job.dump();
    EXPECT_EQ(job.value("format", ""), c.format);
    EXPECT_EQ(job.value("audio_bytes", int64_t{0}), static_cast<int64_t>(s.body.size()));
    EXPECT_TRUE(job["timings_ms"].contains("inference")) << job.dump();
    EXPECT_FALSE(job.contains("audio_url"));  // nothing kept
  }
}

TEST_F(StreamE2e, StreamedSpeechIsHeardByTheRecognizer) {
  const std::string sentence = "The quick brown fox jumps over the lazy dog.";
  Streamed s = Stream({{"text", sentence}, {"voice_id", "flite-slt"}, {"format", "opus"}});
  ASSERT_EQ(s.status, 200);
  auto transcriber = asr::Transcriber::Create({});
  ASSERT_TRUE(transcriber) << transcriber.error().ToString();
  auto heard = (*transcriber)->Transcribe(audio::testing::DecodeWithFfmpeg(s.body));
  ASSERT_TRUE(heard);
  EXPECT_LT(asr::WordErrors(sentence, *heard).wer(), 0.5) << *heard;
}

TEST_F(StreamE2e, ClientThatDisconnectsStopsTheSynthesis) {
  const std::string text = Sentences(120);  // about 5 minutes of speech
  StreamSocket s(server_->port());
  s.Post("/v1/tts/stream", server_->admin_key(),
         json{{"text", text}, {"voice_id", "flite-slt"}, {"format", "pcm"}}.dump());
  Streamed part = s.Read(64 * 1024);
  ASSERT_EQ(part.status, 200);
  const std::string id = part.Header("X-Vox-Job-Id");
  s.Close();
  const auto closed = Clock::now();
  json job = WaitForJob(id, std::chrono::seconds(20));
  const double ended_after = std::chrono::duration<double>(Clock::now() - closed).count();
  EXPECT_EQ(job.value("status", ""), "canceled") << job.dump();
  EXPECT_NE(job.value("last_error", json::object()).value("message", "").find("disconnected"),
            std::string::npos)
      << job.dump();
  EXPECT_LT(ended_after, 5.0);
  EXPECT_LT(job.value("duration_s", 1e9), 60.0) << job.dump();  // far from the 5 minutes
  // The metrics saw the streams: time to first audio per route and engine.
  auto metrics = Client().Call("GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("vox_stream_time_to_first_audio_seconds_count{route=\"/v1/tts/"
                               "stream\",engine=\"flite\"}"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("vox_stream_chunk_gap_seconds_bucket"), std::string::npos);
  // The stream's thread is free again.
  Streamed next = Stream({{"text", "Still here."}, {"format", "wav"}});
  EXPECT_EQ(next.status, 200);
}

TEST_F(StreamE2e, ReaderThatNeverReadsIsClosedAndItsSynthesisStops) {
  const std::string text = Sentences(120);
  StreamSocket s(server_->port(), /*receive_buffer=*/4096);
  s.Post("/v1/tts/stream", server_->admin_key(),
         json{{"text", text}, {"voice_id", "flite-slt"}, {"format", "pcm"}}.dump());
  // Never read: the server's buffers fill, the write timeout (1.5 s here) closes the
  // connection, and the synthesis stops (the stream's job id is in the header we never read,
  // so the canceled-streams counter tells).
  const auto started = Clock::now();
  const double before = CanceledStreams();
  bool canceled = false;
  while (Clock::now() - started < std::chrono::seconds(30) && !canceled) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    canceled = CanceledStreams() > before;
  }
  ASSERT_TRUE(canceled) << "the stream was not canceled within 30 s";
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  EXPECT_LT(seconds, 20);
}

TEST_F(StreamE2e, BadRequestsAnswerInTheNativeShape) {
  ApiClient anonymous(server_->port(), "");
  auto r = anonymous.Call("POST", "/v1/tts/stream", R"({"text":"hi"})",
                          {{"Content-Type", "application/json"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  ApiClient api = Client();
  struct Bad {
    json body;
    int status;
    std::string field;
  };
  for (const Bad& b : std::vector<Bad>{
           {{{"text", "hi"}, {"voice_id", "nobody"}}, 422, "voice_id"},
           {{{"text", "hi"}, {"format", "m4a"}}, 422, "format"},
           {{{"text", "hi"}, {"voice", "x"}}, 400, "voice"},
           {{{"text", " "}}, 400, "text"},
           {{{"text", "hi"}, {"format", "ulaw"}, {"sample_rate", 16000}}, 422, "sample_rate"}}) {
    auto res =
        api.Call("POST", "/v1/tts/stream", b.body.dump(), {{"Content-Type", "application/json"}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, b.status) << b.body.dump() << res->body;
    EXPECT_EQ(res->JsonBody()["error"].value("field", ""), b.field) << res->body;
  }
}

// The official openai npm SDK, unchanged, against baseURL http://127.0.0.1:PORT/v1.
TEST_F(StreamE2e, OpenAiSdkCreatesAndStreamsSpeechInEveryFormat) {
  const fs::path script = fs::path(VOX_SOURCE_DIR) / "tests/openai/speech_sdk.mjs";
  if (!fs::exists(fs::path(VOX_SOURCE_DIR) / "tests/services/node_modules/openai/package.json")) {
    GTEST_FAIL() << "the openai SDK is not installed; run tests/services/install.sh";
  }
  TempDir out;
  std::string cmd = "node " + script.string() +
                    " http://127.0.0.1:" + std::to_string(server_->port()) + "/v1 " +
                    server_->admin_key() + " " + out.path().string();
  const CommandResult run = RunShell(cmd);
  const std::string& output = run.out;
  ASSERT_EQ(run.exit_code, 0) << output;
  json summary = json::parse(output, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << output;

  ASSERT_EQ(summary["results"].size(), 12u);
  for (const json& r : summary["results"]) {
    const std::string format = r["format"], mode = r["stream_format"];
    SCOPED_TRACE(format + "/" + mode);
    std::ifstream in(r["file"].get<std::string>(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    audio::PcmBuffer pcm = format == "pcm" ? audio::testing::DecodeWithFfmpeg(bytes, "s16le", 24000)
                                           : audio::testing::DecodeWithFfmpeg(bytes);
    EXPECT_GT(pcm.duration_s(), 6) << format;
    EXPECT_LT(pcm.duration_s(), 20) << format;
    EXPECT_GT(audio::Rms(pcm), 0.02) << format;
    EXPECT_GT(r.value("chunks", 0), 2) << "not streamed in pieces";
    if (format == "pcm" && mode == "audio") {
      EXPECT_EQ(r.value("content_type", ""), "audio/pcm");
      EXPECT_EQ(bytes.size() % 2, 0u);
    }
    if (mode == "sse") {
      EXPECT_EQ(r.value("content_type", ""), "text/event-stream");
      EXPECT_GT(r.value("deltas", 0), 1);
      const json& usage = r["usage"];
      ASSERT_TRUE(usage.is_object());
      EXPECT_GT(usage.value("input_tokens", 0), 0);
      EXPECT_GT(usage.value("output_tokens", 0), 0);
      EXPECT_EQ(usage.value("total_tokens", 0),
                usage.value("input_tokens", 0) + usage.value("output_tokens", 0));
    }
    if (format == "mp3" && mode == "audio") {
      auto transcriber = asr::Transcriber::Create({});
      ASSERT_TRUE(transcriber);
      auto heard = (*transcriber)->Transcribe(pcm);
      ASSERT_TRUE(heard);
      EXPECT_LT(asr::WordErrors("the quick brown fox jumps over the lazy dog streaming audio "
                                "starts before the whole text is spoken this third sentence "
                                "makes the answer long enough to arrive in pieces",
                                *heard)
                    .wer(),
                0.5)
          << *heard;
    }
  }
  EXPECT_GT(summary.value("by_id_bytes", 0), 1000);

  struct Expected {
    std::string name, cls, param, code;
    int status;
  };
  const std::vector<Expected> expected = {
      {"long_input", "BadRequestError", "input", "string_above_max_length", 400},
      {"speed_5", "BadRequestError", "speed", "decimal_above_max_value", 400},
      {"unknown_voice", "BadRequestError", "voice", "invalid_value", 400},
      {"unknown_model", "NotFoundError", "model", "model_not_found", 404},
      {"bad_format", "BadRequestError", "response_format", "invalid_value", 400},
      {"bad_key", "AuthenticationError", "", "invalid_api_key", 401}};
  ASSERT_EQ(summary["errors"].size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& e = summary["errors"][i];
    SCOPED_TRACE(expected[i].name);
    EXPECT_TRUE(e.value("thrown", false));
    EXPECT_EQ(e.value("class", ""), expected[i].cls);
    EXPECT_EQ(e.value("status", 0), expected[i].status);
    EXPECT_EQ(e["param"], expected[i].param.empty() ? json(nullptr) : json(expected[i].param));
    EXPECT_EQ(e.value("code", ""), expected[i].code);
    EXPECT_EQ(e.value("type", ""), "invalid_request_error");
  }
}

// A generated random-weight Piper voice (the model directory as a user fills it) streams
// through a real vox serve sentence by sentence: chunked, its first audio long before the
// last sentence is made, in wav and in compressed formats, and each stream leaves its job row.
TEST(PiperStream, GeneratedPiperVoiceStreamsEachSentenceAsItIsMade) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  InstallGeneratedVoice(data / "models", "vox-test-medium");
  // One intra-op thread: on a machine whose cores are all busy (a test run), LibTorch's
  // threads wait on each other and a cold first synthesis with 2 took 14 s instead of 1.7.
  ServerProcess server(data, {"--workers", "1", "--neural-threads", "1", "--log-level", "info"});
  server.set_stderr_file(dir.path() / "server.log");
  ASSERT_TRUE(server.Start()) << server.output();
  {
    std::ifstream log(dir.path() / "server.log");
    const std::string text((std::istreambuf_iterator<char>(log)), {});
    EXPECT_NE(text.find("neural threads: 1 per synthesis (set by VOX_NEURAL_THREADS)"),
              std::string::npos)
        << text.substr(0, 2000);
  }
  ApiClient api(server.port(), server.admin_key());
  auto stream = [&](const std::string& text, const std::string& format) {
    StreamSocket socket(server.port());
    socket.Post(
        "/v1/tts/stream", server.admin_key(),
        json{{"text", text}, {"voice_id", "piper-vox-test-medium"}, {"format", format}}.dump());
    return socket.Read();
  };
  // The graph loads on first use: load it now, so that what is timed below is streaming.
  ASSERT_EQ(stream("Hello.", "wav").status, 200);
  for (const std::string format : {"wav", "mp3", "opus"}) {
    SCOPED_TRACE(format);
    const Streamed s = stream(Sentences(11) + " Now in " + format + ".", format);
    ASSERT_EQ(s.status, 200) << s.body.substr(0, 300);
    EXPECT_EQ(s.Header("Transfer-Encoding"), "chunked");
    EXPECT_EQ(s.Header("X-Vox-Cache"), "miss");
    std::printf("[piper stream] %-4s first KiB %.3f s, total %.3f s, %zu bytes\n", format.c_str(),
                s.first_kib_s, s.total_s, s.body.size());
    // Twelve sentences, each its own graph runs: the first one's audio is out while most are
    // still to be made (a buffered answer would have its first KiB milliseconds before its
    // end). Not 0.3 as for flite: the request's fixed costs (the job row, the first phrase's
    // espeak-ng) weigh more against this voice's fast 12 sentences (about 1 s here).
    ASSERT_GT(s.first_kib_s, 0);
    EXPECT_LT(s.first_kib_s, s.total_s * 0.6);
    const audio::PcmBuffer pcm = audio::testing::DecodeWithFfmpeg(s.body);
    EXPECT_GT(pcm.duration_s(), 12 * 0.2) << "at least the silence after each sentence";
    EXPECT_GT(audio::Rms(pcm), 0.01);
    const json job = WaitForStreamJob(api, s.Header("X-Vox-Job-Id"));
    EXPECT_EQ(job.value("status", ""), "done") << job.dump();
    EXPECT_EQ(job.value("voice_id", ""), "piper-vox-test-medium") << job.dump();
    EXPECT_EQ(job.value("format", ""), format);
    EXPECT_EQ(job.value("audio_bytes", int64_t{0}), static_cast<int64_t>(s.body.size()));
    EXPECT_NEAR(job.value("duration_s", 0.0), pcm.duration_s(), 0.15) << job.dump();
    EXPECT_TRUE(job["timings_ms"].contains("inference")) << job.dump();
  }
  EXPECT_EQ(server.Terminate(), 0);
}

}  // namespace
}  // namespace vox::testing
