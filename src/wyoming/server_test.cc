// The Wyoming server over real sockets with the real engines: what Home
// Assistant sends, and what a hostile or careless client sends.
#include "wyoming/server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cmath>
#include <thread>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "obs/stream_latency.h"
#include "wyoming/testing/wyoming_client.h"

namespace vox::wyoming {
namespace {

using testing::WyomingClient;
using namespace std::chrono_literals;

const engines::EngineRegistry& Registry() {
  static auto registry = engines::EngineRegistry::Create({}).value();
  return *registry;
}

struct Audio {
  int rate = 0;
  size_t chunks = 0;
  audio::PcmBuffer pcm;
  std::vector<std::string> types;  // every event type read, in order
};

// Reads one audio-start .. audio-stop answer (failing the test on anything else).
// `started_rate`: the audio-start was already read, with this rate.
Audio ReadAudio(WyomingClient& client, int started_rate = 0) {
  Audio out;
  out.rate = started_rate;
  out.pcm.sample_rate = started_rate;
  for (;;) {
    auto event = client.Read();
    if (!event) {
      ADD_FAILURE() << "no audio-stop";
      return out;
    }
    out.types.push_back(event->type);
    if (event->type == "audio-start") {
      out.rate = event->data.value("rate", 0);
      EXPECT_EQ(event->data.value("width", 0), 2);
      EXPECT_EQ(event->data.value("channels", 0), 1);
      out.pcm.sample_rate = out.rate;
    } else if (event->type == "audio-chunk") {
      EXPECT_EQ(event->data.value("rate", 0), out.rate);
      EXPECT_EQ(event->payload.size() % 2, 0u);
      // Bounded chunks: at most 250 ms of audio each.
      EXPECT_LE(event->payload.size() / 2, static_cast<size_t>(out.rate) / 4);
      ++out.chunks;
      for (size_t i = 0; i + 1 < event->payload.size(); i += 2) {
        auto v = static_cast<int16_t>(static_cast<uint8_t>(event->payload[i]) |
                                      (static_cast<uint8_t>(event->payload[i + 1]) << 8));
        out.pcm.samples.push_back(v / 32768.0f);
      }
    } else if (event->type == "audio-stop") {
      return out;
    } else {
      ADD_FAILURE() << "unexpected " << event->type << " " << event->data.dump();
      return out;
    }
  }
}

double Rms(const audio::PcmBuffer& pcm) {
  double sum = 0;
  for (float s : pcm.samples) sum += double(s) * s;
  return pcm.samples.empty() ? 0 : std::sqrt(sum / pcm.samples.size());
}

// In-process duration of the same text in the same voice.
double InProcessSeconds(const std::string& text, const std::string& voice) {
  engines::Synthesizer synth(Registry());
  auto plan = synth.Prepare(text, voice, {}, {});
  EXPECT_TRUE(plan);
  size_t frames = 0;
  int rate = plan->voice.sample_rate;
  EXPECT_TRUE(synth.Run(*plan, [&](const audio::PcmBuffer& pcm) -> Status {
    frames += pcm.frames();
    return {};
  }));
  return double(frames) / rate;
}

class WyomingServerTest : public ::testing::Test {
 protected:
  void StartServer(WyomingConfig config = {}) {
    config.listen = "127.0.0.1:0";
    server_ = std::make_unique<WyomingServer>(config, Registry(), synth_, &metrics_);
    ASSERT_TRUE(server_->Start());
  }
  void SetUp() override { StartServer(); }
  void TearDown() override {
    if (server_) server_->Stop(1s);
  }
  double Count(const std::string& route, const std::string& outcome) {
    return metrics_.requests.With({route, outcome}).value();
  }
  bool WaitNoConnections(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (server_->open_connections() > 0) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  engines::Synthesizer synth_{Registry()};
  obs::Registry registry_;
  WyomingMetrics metrics_{registry_};
  std::unique_ptr<WyomingServer> server_;
};

TEST_F(WyomingServerTest, DescribeListsEveryVoiceAsWyomingInfo) {
  WyomingClient client(server_->port());
  ASSERT_TRUE(client.Send("describe"));
  auto info = client.Read();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->type, "info");
  for (const char* kind : {"asr", "handle", "intent", "wake"}) {
    EXPECT_TRUE(info->data[kind].is_array()) << kind;
  }
  ASSERT_EQ(info->data["tts"].size(), 1u);
  const auto& program = info->data["tts"][0];
  EXPECT_EQ(program["name"], "vox");
  EXPECT_EQ(program["installed"], true);
  EXPECT_EQ(program["supports_synthesize_streaming"], true);
  EXPECT_TRUE(program["attribution"].contains("name"));
  EXPECT_TRUE(program["attribution"].contains("url"));
  auto voices = Registry().ListVoices();
  ASSERT_EQ(program["voices"].size(), voices.size());  // no multi-speaker voices built in
  for (size_t i = 0; i < voices.size(); ++i) {
    const auto& v = program["voices"][i];
    EXPECT_EQ(v["name"], voices[i].id);
    EXPECT_EQ(v["languages"], nlohmann::json::array({voices[i].language}));
    EXPECT_EQ(v["installed"], true);
    EXPECT_EQ(v["version"], voices[i].engine_version);
    EXPECT_EQ(v["attribution"]["name"], voices[i].engine);
    EXPECT_TRUE(v["description"].is_string());
    EXPECT_TRUE(v.contains("speakers"));
  }
}

TEST_F(WyomingServerTest, SynthesizeStreamsTheVoicesAudioAndTheRecognizerHearsIt) {
  const std::string text = "The weather today is sunny and warm. Turn on the kitchen light.";
  WyomingClient client(server_->port());
  ASSERT_TRUE(client.Send("synthesize", {{"text", text}, {"voice", {{"name", "flite-slt"}}}}));
  Audio audio = ReadAudio(client);
  EXPECT_EQ(audio.types.front(), "audio-start");
  EXPECT_EQ(audio.rate, 16000);
  EXPECT_GE(audio.chunks, 2u);
  // flite is deterministic: exactly the in-process audio's length.
  EXPECT_NEAR(audio.pcm.duration_s(), InProcessSeconds(text, "flite-slt"), 0.001);
  EXPECT_GT(Rms(audio.pcm), 0.01);
  auto asr = asr::Transcriber::Create({});
  ASSERT_TRUE(asr) << asr.error().ToString();
  auto heard = (*asr)->Transcribe(audio.pcm);
  ASSERT_TRUE(heard);
  EXPECT_LT(asr::WordErrors(text, *heard).wer(), 0.5) << *heard;
  EXPECT_EQ(Count("synthesize", "ok"), 1);
}

// Wyoming is timed in the families every streaming route shares, under its route and the
// voice's engine: one time to first audio per synthesis, one gap per later audio-chunk.
TEST_F(WyomingServerTest, SynthesisMovesTheStreamLatencyHistogramsOfItsEngine) {
  const std::string engine = Registry().FindVoice("flite-slt")->voice.engine;
  auto count = [&](obs::Family<obs::Histogram>& family, const std::string& route) {
    return family.With({route, engine}).Snap().count;
  };
  WyomingClient client(server_->port());
  ASSERT_TRUE(client.Send("synthesize", {{"text", "Lights on in the hall. And the porch."},
                                         {"voice", {{"name", "flite-slt"}}}}));
  Audio audio = ReadAudio(client);
  ASSERT_GE(audio.chunks, 2u);
  EXPECT_EQ(count(metrics_.stream_first_audio, "wyoming/synthesize"), 1u);
  EXPECT_EQ(count(metrics_.stream_chunk_gap, "wyoming/synthesize"), audio.chunks - 1);
  EXPECT_GT(metrics_.stream_first_audio.With({"wyoming/synthesize", engine}).Snap().sum, 0);

  // A stream: each sentence is a synthesis of its own.
  ASSERT_TRUE(client.Send("synthesize-start", {{"voice", {{"name", "flite-slt"}}}}));
  ASSERT_TRUE(client.Send("synthesize-chunk", {{"text", "Good night. Sleep well."}}));
  ASSERT_TRUE(client.Send("synthesize-stop"));
  Audio first = ReadAudio(client), second = ReadAudio(client);
  auto stopped = client.Read();
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->type, "synthesize-stopped");
  EXPECT_EQ(count(metrics_.stream_first_audio, "wyoming/stream"), 2u);
  EXPECT_EQ(count(metrics_.stream_chunk_gap, "wyoming/stream"),
            first.chunks - 1 + second.chunks - 1);
  // The same families an HTTP stream observes: registered again, they are these.
  EXPECT_EQ(&obs::StreamTimeToFirstAudio(registry_), &metrics_.stream_first_audio);
  const std::string series =
      "vox_stream_chunk_gap_seconds_count{route=\"wyoming/synthesize\",engine=\"" + engine + "\"}";
  EXPECT_NE(registry_.Render().find(series), std::string::npos) << series;
}

TEST_F(WyomingServerTest, VoiceByLanguageThenDefault) {
  WyomingClient client(server_->port());
  ASSERT_TRUE(client.Send("synthesize", {{"text", "Guten Tag."}, {"voice", {{"language", "de"}}}}));
  Audio german = ReadAudio(client);
  EXPECT_EQ(german.rate, 22050);  // espeak-de
  EXPECT_GT(Rms(german.pcm), 0.01);
  ASSERT_TRUE(client.Send("synthesize", {{"text", "Hello."}}));
  Audio fallback = ReadAudio(client);
  EXPECT_EQ(fallback.rate, 16000);  // flite-slt, the English default
  EXPECT_NEAR(fallback.pcm.duration_s(), InProcessSeconds("Hello.", "flite-slt"), 0.001);
}

TEST_F(WyomingServerTest, StreamingAnswersEachSentenceBeforeTheStop) {
  WyomingClient client(server_->port());
  ASSERT_TRUE(client.Send("synthesize-start", {{"voice", {{"name", "flite-slt"}}}}));
  ASSERT_TRUE(client.Send("synthesize-chunk", {{"text", "Good morning to you"}}));
  ASSERT_TRUE(client.Send("synthesize-chunk", {{"text", ". The garage door is"}}));
  // The first sentence is complete: its audio comes before any stop is sent.
  Audio first = ReadAudio(client);
  EXPECT_EQ(first.types.front(), "audio-start");
  EXPECT_NEAR(first.pcm.duration_s(), InProcessSeconds("Good morning to you.", "flite-slt"), 0.001);
  ASSERT_TRUE(client.Send("synthesize-chunk", {{"text", " open."}}));
  // The compatibility copy clients send inside a stream is ignored.
  ASSERT_TRUE(
      client.Send("synthesize", {{"text", "Good morning to you. The garage door is open."}}));
  ASSERT_TRUE(client.Send("synthesize-stop"));
  Audio second = ReadAudio(client);
  EXPECT_NEAR(second.pcm.duration_s(), InProcessSeconds("The garage door is open.", "flite-slt"),
              0.001);
  auto stopped = client.Read();
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->type, "synthesize-stopped");
  // Nothing else follows; the connection still serves.
  ASSERT_TRUE(client.Send("describe"));
  auto next = client.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->type, "info");
  EXPECT_EQ(Count("stream", "ok"), 2);
}

TEST_F(WyomingServerTest, BadInputIsAnsweredWithErrorEventsAndTheConnectionGoesOn) {
  WyomingClient client(server_->port());
  struct Case {
    std::string bytes;
    std::string code;
  } cases[] = {
      {"{not json\n", "invalid_argument"},
      {R"({"type":"no-such-event"})"
       "\n",
       "invalid_argument"},
      {R"({"type":"synthesize","data":{"text":5}})"
       "\n",
       "invalid_argument"},
      {R"({"type":"synthesize","data":{"text":"Hi.","voice":{"name":"nobody"}}})"
       "\n",
       "not_found"},
      {R"({"type":"synthesize","data":{"text":"Hi.","voice":"slt"}})"
       "\n",
       "invalid_argument"},
      {R"({"type":"synthesize","data":{"text":"  "}})"
       "\n",
       "invalid_argument"},
      {R"({"type":"synthesize","data_length":3})"
       "\n"
       "[1]",
       "invalid_argument"},
      {R"({"type":"synthesize-chunk","data":{"text":"Hi."}})"
       "\n",
       "invalid_argument"},
      {R"({"type":"synthesize","data":{"text":"Hi.","voice":{"language":"xx-bad-"}}})"
       "\n",
       "invalid_argument"},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(client.SendRaw(c.bytes));
    auto event = client.Read();
    ASSERT_TRUE(event) << c.bytes;
    EXPECT_EQ(event->type, "error") << c.bytes;
    EXPECT_EQ(event->data.value("code", ""), c.code) << c.bytes << event->data.dump();
    EXPECT_FALSE(event->data.value("text", "").empty());
  }
  ASSERT_TRUE(client.Send("ping", {{"text", "still there?"}}));
  auto pong = client.Read();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->type, "pong");
}

TEST_F(WyomingServerTest, OversizedHeaderOrPayloadIsRefusedThenClosed) {
  {
    WyomingClient client(server_->port());
    ASSERT_TRUE(client.SendRaw(std::string(70 << 10, 'x')));  // no newline within 64 KiB
    auto event = client.Read();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->type, "error");
    EXPECT_EQ(event->data["code"], "resource_exhausted");
    EXPECT_TRUE(client.WaitClosed(5s));
  }
  {
    WyomingClient client(server_->port());
    ASSERT_TRUE(client.SendRaw(R"({"type":"audio-chunk","payload_length":2000000})"
                               "\n"));
    auto event = client.Read();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->data["code"], "resource_exhausted");
    EXPECT_TRUE(client.WaitClosed(5s));
  }
  EXPECT_TRUE(WaitNoConnections(5s));
}

std::string LongText(int sentences) {
  std::string text;
  for (int i = 0; i < sentences; ++i) {
    text += "Sentence number " + std::to_string(i) +
            " is a rather long one about the living room lights and the thermostat. ";
  }
  return text;
}

TEST_F(WyomingServerTest, ClientThatDisconnectsStopsItsSynthesis) {
  {
    WyomingClient client(server_->port());
    ASSERT_TRUE(client.Send("synthesize", {{"text", LongText(200)}}));
    auto start = client.Read();
    ASSERT_TRUE(start);
    EXPECT_EQ(start->type, "audio-start");
  }  // gone after the first event
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (Count("synthesize", "canceled") < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(Count("synthesize", "canceled"), 1);
  EXPECT_TRUE(WaitNoConnections(5s));
  // The synthesis thread is free again.
  WyomingClient next(server_->port());
  ASSERT_TRUE(next.Send("synthesize", {{"text", "Still here."}}));
  EXPECT_GT(ReadAudio(next).chunks, 0u);
}

TEST_F(WyomingServerTest, ReaderThatNeverReadsIsClosedAfterTheWriteTimeout) {
  server_->Stop(0s);
  WyomingConfig config;
  config.write_timeout = 300ms;
  config.max_buffered_bytes = 64 << 10;
  StartServer(config);
  WyomingClient client(server_->port());
  int small = 4096;
  ASSERT_EQ(setsockopt(client.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
  ASSERT_TRUE(client.Send("synthesize", {{"text", LongText(40)}}));
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server_->open_connections() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(WaitNoConnections(20s));
  EXPECT_EQ(Count("synthesize", "canceled"), 1);
}

TEST_F(WyomingServerTest, ConnectionsAreBoundedAndServedConcurrently) {
  server_->Stop(0s);
  WyomingConfig config;
  config.max_connections = 4;
  StartServer(config);
  std::vector<std::unique_ptr<WyomingClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<WyomingClient>(server_->port()));
    ASSERT_TRUE(clients.back()->Send("describe"));  // admitted: answered
    ASSERT_TRUE(clients.back()->Read());
  }
  WyomingClient extra(server_->port());
  auto refused = extra.Read(5s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->type, "error");
  EXPECT_EQ(refused->data["code"], "resource_exhausted");
  EXPECT_TRUE(extra.WaitClosed(5s));
  for (auto& c : clients) ASSERT_TRUE(c->Send("synthesize", {{"text", "All at once."}}));
  const double expected = InProcessSeconds("All at once.", "flite-slt");
  for (auto& c : clients) EXPECT_NEAR(ReadAudio(*c).pcm.duration_s(), expected, 0.001);
}

TEST_F(WyomingServerTest, StopLetsTheCurrentSynthesisFinish) {
  WyomingClient client(server_->port());
  const std::string text = LongText(3);
  ASSERT_TRUE(client.Send("synthesize", {{"text", text}}));
  auto start = client.Read();  // audio-start: the synthesis runs
  ASSERT_TRUE(start);
  std::thread stopper([&] { server_->Stop(20s); });
  Audio audio = ReadAudio(client, start->data.value("rate", 0));
  stopper.join();
  EXPECT_NEAR(audio.pcm.duration_s(), InProcessSeconds(text, "flite-slt"), 0.001);
  EXPECT_TRUE(client.WaitClosed(5s));
}

}  // namespace
}  // namespace vox::wyoming
