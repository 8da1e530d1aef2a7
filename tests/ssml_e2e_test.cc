// SSML through the native API of a real `vox serve`: a job's audio carries
// its 2 s break and its marks; malformed SSML is a 400 with the position and
// creates no job; the stream route speaks SSML too, and reports its marks and word
// timestamps (on the document's text) with its job; <phoneme> on a Piper voice speaks its IPA.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "audio/decode.h"
#include "support/api_client.h"
#include "support/piper_voices.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;

class SsmlApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(dir_->path() / "data", {"--workers", "1"});
    ASSERT_TRUE(server_->Start()) << server_->output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    delete server_;
    delete dir_;
  }
  ApiClient Client() { return ApiClient(server_->port(), server_->admin_key()); }

  // The finished job and its decoded audio.
  std::pair<json, audio::PcmBuffer> Synthesize(const std::string& ssml) {
    ApiClient api = Client();
    auto submitted = api.Submit(
        {{"text", ssml}, {"text_type", "ssml"}, {"voice_id", "flite-slt"}, {"format", "wav"}});
    EXPECT_TRUE(submitted && submitted->status == 202) << (submitted ? submitted->body : "");
    if (!submitted || submitted->status != 202) return {};
    json job = api.WaitForFinal(submitted->JsonBody().value("job_id", ""));
    EXPECT_EQ(job.value("status", ""), "done") << job.dump();
    auto wav = ApiClient(server_->port(), "").Call("GET", job.value("audio_url", ""));
    EXPECT_TRUE(wav && wav->status == 200);
    auto pcm = audio::Decode(wav ? wav->body : "");
    EXPECT_TRUE(pcm.has_value());
    return {job, pcm ? *pcm : audio::PcmBuffer{}};
  }

  // vox_jobs_submitted_total, all labels: jobs the API created.
  double JobsSubmitted() {
    auto metrics = Client().Call("GET", "/metrics");
    double total = 0;
    static const std::regex line(R"(^vox_jobs_submitted_total\{[^}]*\} ([0-9.e+]+)$)");
    std::istringstream in(metrics ? metrics->body : "");
    for (std::string l; std::getline(in, l);) {
      std::smatch m;
      if (std::regex_match(l, m, line)) total += std::stod(m[1]);
    }
    return total;
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* SsmlApi::dir_ = nullptr;
ServerProcess* SsmlApi::server_ = nullptr;

TEST_F(SsmlApi, TwoSecondBreakIsInTheAudioAndMarksInTheResult) {
  auto [plain_job, plain] = Synthesize("<speak>Good morning. See you soon.</speak>");
  auto [job, paused] = Synthesize(
      "<speak>Good morning.<break time=\"2s\"/><mark name=\"later\"/>See you soon."
      "<mark name=\"end\"/></speak>");
  ASSERT_FALSE(plain.empty());
  ASSERT_FALSE(paused.empty());
  EXPECT_NEAR(paused.duration_s() - plain.duration_s(), 2.0, 0.05);
  EXPECT_NEAR(job["duration_s"].get<double>(), paused.duration_s(), 0.05);
  EXPECT_FALSE(plain_job.contains("marks"));
  ASSERT_TRUE(job.contains("marks")) << job.dump();
  ASSERT_EQ(job["marks"].size(), 2u);
  EXPECT_EQ(job["marks"][0]["name"], "later");
  EXPECT_EQ(job["marks"][1]["name"], "end");
  const double later = job["marks"][0]["time"];
  const double end = job["marks"][1]["time"];
  // "later" comes right after the break: 2 s after the first sentence's audio.
  EXPECT_GT(later, 2.0);
  EXPECT_LT(later, paused.duration_s() - 0.3);
  EXPECT_NEAR(end, job["duration_s"].get<double>(), 0.05);

  // The same document again is a cache hit that still reports its marks.
  auto [again, again_audio] = Synthesize(
      "<speak>Good morning.<break time=\"2s\"/><mark name=\"later\"/>See you soon."
      "<mark name=\"end\"/></speak>");
  EXPECT_TRUE(again["cache_hit"].get<bool>());
  EXPECT_EQ(again["marks"], job["marks"]);
  // The same sentences with other styles (here: no marks) are never a hit of the first.
  auto [unmarked, unmarked_audio] =
      Synthesize("<speak>Good morning.<break time=\"2s\"/>See you soon.</speak>");
  EXPECT_FALSE(unmarked["cache_hit"].get<bool>());
  EXPECT_FALSE(unmarked.contains("marks"));
  EXPECT_NEAR(unmarked_audio.duration_s(), paused.duration_s(), 0.01);
}

TEST_F(SsmlApi, MalformedSsmlIsA400WithItsPositionAndNoJob) {
  ApiClient api = Client();
  const double before = JobsSubmitted();
  struct Case {
    std::string ssml, message;
  };
  const std::vector<Case> cases = {
      {"<speak>\n  Hello <bogus/>\n</speak>", "SSML line 2, column 9: unknown element <bogus>"},
      {"<speak><break time=\"forever\"/></speak>",
       "SSML line 1, column 8: <break time=\"forever\">"},
      {"<speak>unclosed <p>text</speak>", "mismatched end tag"},
      {"Hello <speak/>", "text outside <speak>"},
      {"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><speak>&a;</speak>", "a DOCTYPE is not allowed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ssml);
    auto r = api.Submit({{"text", c.ssml}, {"text_type", "ssml"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    json error = r->JsonBody()["error"];
    EXPECT_EQ(error.value("code", ""), "invalid_argument") << r->body;
    EXPECT_EQ(error.value("field", ""), "text");
    EXPECT_NE(error.value("message", "").find(c.message), std::string::npos) << r->body;
    auto streamed =
        api.Call("POST", "/v1/tts/stream", json{{"text", c.ssml}, {"text_type", "ssml"}}.dump(),
                 {{"Content-Type", "application/json"}});
    ASSERT_TRUE(streamed);
    EXPECT_EQ(streamed->status, 400) << streamed->body;
  }
  auto bad_type = api.Submit({{"text", "hi"}, {"text_type", "html"}});
  ASSERT_TRUE(bad_type);
  EXPECT_EQ(bad_type->status, 400);
  EXPECT_EQ(bad_type->JsonBody()["error"]["field"], "text_type");
  EXPECT_EQ(JobsSubmitted(), before);
  // Plain text that looks like markup is still read as text by default.
  auto plain = api.Submit({{"text", "<bogus/> is not SSML here."}});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 202) << plain->body;
}

TEST_F(SsmlApi, StreamSpeaksSsml) {
  ApiClient api = Client();
  auto stream = [&](const std::string& ssml) {
    auto r = api.Call(
        "POST", "/v1/tts/stream",
        json{{"text", ssml}, {"text_type", "ssml"}, {"voice_id", "flite-slt"}, {"format", "wav"}}
            .dump(),
        {{"Content-Type", "application/json"}});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "");
    auto pcm = audio::Decode(r ? r->body : "");
    return pcm ? pcm->duration_s() : 0.0;
  };
  const double plain = stream("<speak>Streaming works. Really.</speak>");
  const double paused = stream("<speak>Streaming works.<break time=\"1500ms\"/>Really.</speak>");
  EXPECT_GT(plain, 0.3);
  EXPECT_NEAR(paused - plain, 1.5, 0.05);
}

// A stream's job reports the marks its audio reached, and the word timestamps of an SSML
// job (streamed or not) point into the document the client sent.
TEST_F(SsmlApi, MarksAndTimestampsOfStreamsAndJobsAreOnTheDocument) {
  ApiClient api = Client();
  const std::string ssml =
      "<speak>Good <sub alias=\"morning\">AM</sub>.<break time=\"1s\"/>"
      "<mark name=\"later\"/>See you at <say-as interpret-as=\"cardinal\">7</say-as>."
      "<mark name=\"end\"/></speak>";
  const json body = {
      {"text", ssml}, {"text_type", "ssml"}, {"voice_id", "flite-slt"}, {"format", "wav"}};
  auto streamed =
      api.Call("POST", "/v1/tts/stream", body.dump(), {{"Content-Type", "application/json"}});
  ASSERT_TRUE(streamed && streamed->status == 200) << (streamed ? streamed->body : "");
  auto pcm = audio::Decode(streamed->body);
  ASSERT_TRUE(pcm.has_value());
  const std::string stream_id(streamed->Header("X-Vox-Job-Id").value_or(""));
  json stream_job = api.WaitForFinal(stream_id);  // recorded as the stream ended
  ASSERT_EQ(stream_job.value("status", ""), "done") << stream_job.dump();
  ASSERT_TRUE(stream_job.contains("marks")) << stream_job.dump();
  ASSERT_EQ(stream_job["marks"].size(), 2u);
  EXPECT_EQ(stream_job["marks"][0]["name"], "later");
  EXPECT_EQ(stream_job["marks"][1]["name"], "end");
  EXPECT_GT(stream_job["marks"][0]["time"].get<double>(), 1.0);  // after the break
  EXPECT_NEAR(stream_job["marks"][1]["time"].get<double>(), pcm->duration_s(), 0.05);

  auto submitted = api.Submit(body);
  ASSERT_TRUE(submitted && submitted->status == 202);
  json job = api.WaitForFinal(submitted->JsonBody().value("job_id", ""));
  ASSERT_EQ(job.value("status", ""), "done");
  // Same audio, same marks (to the millisecond the stream's own clock allows).
  ASSERT_EQ(job["marks"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(job["marks"][i]["time"].get<double>(), stream_job["marks"][i]["time"].get<double>(),
                0.01);
  }

  for (const json& described : {stream_job, job}) {
    SCOPED_TRACE(described.value("job_id", ""));
    auto got = api.Call("GET", "/v1/tts/job/" + described.value("job_id", "") + "/timestamps");
    ASSERT_TRUE(got && got->status == 200) << (got ? got->body : "");
    const json timestamps = got->JsonBody()["timestamps"];
    std::vector<std::string> words;
    for (const json& w : timestamps) {
      words.push_back(w["word"]);
      // Code points of the document: the word is the document's text there.
      const size_t b = w["char_start"], e = w["char_end"];
      EXPECT_EQ(ssml.substr(b, e - b), w["word"].get<std::string>());
    }
    EXPECT_EQ(words, (std::vector<std::string>{"Good", "AM", "See", "you", "at", "7"}));
    EXPECT_EQ(got->JsonBody()["marks"], described["marks"]);
    EXPECT_EQ(described["timestamps"], timestamps);
  }
}

// A generated random-weight Piper voice takes <phoneme>'s IPA: the job completes, and other
// IPA for the same text is other audio (the engine read the phonemes, not the text).
TEST(SsmlPiper, PhonemeOnAPiperVoiceSpeaksItsIpa) {
  namespace fs = std::filesystem;
  TempDir dir;
  const fs::path models = dir.path() / "data" / "models";
  vox::testing::InstallGeneratedVoice(models, "vox-test-medium");
  ServerProcess server(dir.path() / "data", {"--workers", "1"});
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), server.admin_key());
  auto speak = [&](const std::string& ipa) -> std::pair<json, std::string> {
    auto submitted =
        api.Submit({{"text", "<speak>Say <phoneme alphabet=\"ipa\" ph=\"" + ipa +
                                 "\">tomato</phoneme><mark name=\"after\"/> now.</speak>"},
                    {"text_type", "ssml"},
                    {"voice_id", "piper-vox-test-medium"},
                    {"format", "wav"}});
    EXPECT_TRUE(submitted && submitted->status == 202) << (submitted ? submitted->body : "");
    if (!submitted || submitted->status != 202) return {};
    json job = api.WaitForFinal(submitted->JsonBody().value("job_id", ""));
    EXPECT_EQ(job.value("status", ""), "done") << job.dump();
    auto wav = ApiClient(server.port(), "").Call("GET", job.value("audio_url", ""));
    EXPECT_TRUE(wav && wav->status == 200);
    return {job, wav ? wav->body : ""};
  };
  auto [tomato, tomato_wav] = speak("təˈmeɪɾoʊ");
  auto [other, other_wav] = speak("təˈmɑːtoʊ");
  auto pcm = audio::Decode(tomato_wav);
  ASSERT_TRUE(pcm.has_value());
  EXPECT_GT(pcm->duration_s(), 0.5);
  EXPECT_FALSE(other["cache_hit"].get<bool>());
  EXPECT_NE(tomato_wav, other_wav);
  ASSERT_EQ(tomato["marks"].size(), 1u) << tomato.dump();
  EXPECT_GT(tomato["marks"][0]["time"].get<double>(), 0.2);
  EXPECT_EQ(server.Terminate(), 0);
}

}  // namespace
}  // namespace vox::testing
