// `vox serve --wyoming-listen 127.0.0.1:0` as Home Assistant meets it: the
// port it prints, describe, synthesize, a stream, and a clean SIGTERM. Also
// prints the time to first audio for a 100-word text over Wyoming against the
// in-process synthesis of its first sentence (the figure issue 12 asks for).
#include <gtest/gtest.h>

#include "engines/synthesizer.h"
#include "support/api_client.h"
#include "support/vox_process.h"
#include "text/sentence_splitter.h"
#include "wyoming/testing/wyoming_client.h"

namespace vox::wyoming {
namespace {

using testing::WyomingClient;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// 100 words, 7 sentences: what an assistant's answer looks like.
const char* kHundredWords =
    "The living room lights are now off and the front door is locked. "
    "Tomorrow will be mostly sunny with a high of twenty two degrees and a light breeze from "
    "the west. Your first meeting starts at nine in the morning, so I set an alarm for seven. "
    "The washing machine finished its cycle about ten minutes ago. "
    "There is a package waiting on the porch that arrived this afternoon. "
    "The thermostat is set to twenty degrees for the night, and the garage door is closed. "
    "Let me know if you would like me to read your messages or play some music.";

// Seconds from sending `synthesize` to the first audio-chunk; reads to audio-stop.
double TimeToFirstAudio(WyomingClient& client, const std::string& text, size_t* bytes) {
  auto start = Clock::now();
  EXPECT_TRUE(client.Send("synthesize", {{"text", text}, {"voice", {{"name", "flite-slt"}}}}));
  double first = -1;
  for (;;) {
    auto event = client.Read();
    if (!event) {
      ADD_FAILURE() << "no audio-stop";
      return first;
    }
    if (event->type == "audio-chunk") {
      if (first < 0) first = std::chrono::duration<double>(Clock::now() - start).count();
      *bytes += event->payload.size();
    }
    if (event->type == "audio-stop") return first;
  }
}

TEST(WyomingServeE2E, ServesHomeAssistantOnThePortItPrints) {
  vox::testing::TempDir dir;
  vox::testing::ServerProcess server(dir.path() / "data",
                                     {"--wyoming-listen", "127.0.0.1:0", "--workers", "1"});
  ASSERT_TRUE(server.Start()) << server.output();
  uint16_t port = testing::AnnouncedPort(server.output());
  ASSERT_NE(port, 0) << server.output();

  WyomingClient client(port);
  ASSERT_TRUE(client.Send("describe"));
  auto info = client.Read();
  ASSERT_TRUE(info);
  ASSERT_EQ(info->type, "info");
  EXPECT_EQ(info->data["tts"][0]["name"], "vox");
  EXPECT_GT(info->data["tts"][0]["voices"].size(), 5u);

  size_t bytes = 0;
  double wyoming_ttfa = TimeToFirstAudio(client, kHundredWords, &bytes);  // warm-up too
  wyoming_ttfa = 1e9;
  for (int i = 0; i < 3; ++i) {
    bytes = 0;
    wyoming_ttfa = std::min(wyoming_ttfa, TimeToFirstAudio(client, kHundredWords, &bytes));
  }
  EXPECT_GT(bytes / 2.0 / 16000, 20.0);  // 100 words: well over 20 s of speech

  // In process: the first sentence alone, to its first chunk and to its end.
  auto registry = engines::EngineRegistry::Create({}).value();
  engines::Synthesizer synth(*registry);
  std::string first_sentence = text::SplitSentences(kHundredWords).front();
  double in_first_chunk = 1e9, in_sentence = 1e9;
  for (int i = 0; i < 4; ++i) {
    auto start = Clock::now();
    double first = -1;
    auto plan = synth.Prepare(first_sentence, "flite-slt", {}, {});
    ASSERT_TRUE(plan);
    ASSERT_TRUE(synth.Run(*plan, [&](const audio::PcmBuffer&) -> Status {
      if (first < 0) first = std::chrono::duration<double>(Clock::now() - start).count();
      return {};
    }));
    if (i == 0) continue;  // warm-up
    in_first_chunk = std::min(in_first_chunk, first);
    in_sentence =
        std::min(in_sentence, std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::printf(
      "wyoming time to first audio, 100 words, flite-slt (best of 3): %.1f ms; in process, "
      "first sentence alone: first chunk %.1f ms, whole sentence %.1f ms\n",
      wyoming_ttfa * 1e3, in_first_chunk * 1e3, in_sentence * 1e3);
  // Audio leaves once the first chunk exists, never after the whole text.
  EXPECT_LT(wyoming_ttfa, in_sentence + 0.25);

  // A stream on the real server.
  ASSERT_TRUE(client.Send("synthesize-start"));
  ASSERT_TRUE(client.Send("synthesize-chunk", {{"text", "Hello there. How are"}}));
  ASSERT_TRUE(client.Send("synthesize-chunk", {{"text", " you?"}}));
  ASSERT_TRUE(client.Send("synthesize-stop"));
  std::vector<std::string> types;
  while (auto event = client.Read()) {
    if (event->type != "audio-chunk") types.push_back(event->type);
    if (event->type == "synthesize-stopped") break;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"audio-start", "audio-stop", "audio-start",
                                             "audio-stop", "synthesize-stopped"}));
  client.Close();

  // Timed in the families the HTTP streaming routes share (registered by both, one family
  // each in the exposition): 4 syntheses, 2 streamed sentences, the chunk gaps of each.
  vox::testing::ApiClient api(server.port(), server.admin_key());
  auto metrics = api.Call("GET", "/metrics");
  ASSERT_TRUE(metrics);
  for (const std::string name :
       {"vox_stream_time_to_first_audio_seconds", "vox_stream_chunk_gap_seconds"}) {
    const std::string help = "# HELP " + name + " ";
    const size_t at = metrics->body.find(help);
    ASSERT_NE(at, std::string::npos) << metrics->body;
    EXPECT_EQ(metrics->body.find(help, at + 1), std::string::npos) << name << " twice";
  }
  const std::string& text = metrics->body;
  EXPECT_NE(text.find("vox_stream_time_to_first_audio_seconds_count{route=\"wyoming/"
                      "synthesize\",engine=\"flite\"} 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("vox_stream_time_to_first_audio_seconds_count{route=\"wyoming/"
                      "stream\",engine=\"flite\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("vox_stream_chunk_gap_seconds_count{route=\"wyoming/synthesize\","
                      "engine=\"flite\"}"),
            std::string::npos);
  EXPECT_EQ(server.Terminate(), 0);
}

TEST(WyomingServeE2E, ABadListenSettingStopsTheCommandNamingIt) {
  vox::testing::TempDir dir;
  auto result = vox::testing::RunVox(
      {"serve", "--data", (dir.path() / "data").string(), "--wyoming-listen", "nowhere"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("VOX_WYOMING_LISTEN"), std::string::npos) << result.err;
  result = vox::testing::RunVox({"serve", "--data", (dir.path() / "data").string(), "--listen",
                                 "127.0.0.1:0", "--wyoming-listen", "127.0.0.1:0",
                                 "--wyoming-voice", "no-such-voice"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("VOX_WYOMING_VOICE"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace vox::wyoming
