// Word timestamps through the API: a worker job, a native stream and a cache hit of
// another text, against `vox serve`. The words must be the caller's own characters
// (char offsets into the original text), in time, within the audio.
#include <gtest/gtest.h>

#include "support/api_client.h"
#include "support/vox_process.h"
#include "text/utf8.h"

namespace vox::testing {
namespace {

using nlohmann::json;

class TimestampsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_TRUE(server_->Start());
    api_ = std::make_unique<ApiClient>(server_->port(), server_->admin_key());
  }

  // Checks the list against `text` and the job's audio; returns the words.
  std::vector<std::string> CheckTimestamps(const json& list, const std::string& text,
                                           double duration_s) {
    std::vector<std::string> words;
    // Code point offsets: the text as a vector of characters.
    std::vector<std::string> chars;
    for (size_t i = 0; i < text.size();) {
      const size_t start = i;
      (void)text::DecodeUtf8(text, i);
      chars.push_back(text.substr(start, i - start));
    }
    double previous_end = 0;
    for (const json& w : list) {
      const size_t b = w.at("char_start"), e = w.at("char_end");
      EXPECT_LT(b, e);
      EXPECT_LE(e, chars.size());
      std::string typed;
      for (size_t i = b; i < e && i < chars.size(); ++i) typed += chars[i];
      EXPECT_EQ(w.at("word").get<std::string>(), typed);
      const double start = w.at("start"), end = w.at("end");
      EXPECT_GE(start, previous_end - 1e-9);
      EXPECT_LE(start, end);
      EXPECT_LE(end, duration_s + 0.002);
      previous_end = end;
      words.push_back(typed);
    }
    return words;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<ApiClient> api_;
};

TEST_F(TimestampsE2E, AJobCarriesTheWordsOfTheOriginalText) {
  const std::string text = "Dr. Smith paid $3.50 for a café crème. Great!";
  auto submitted = api_->Submit({{"text", text}, {"voice_id", "flite-slt"}, {"format", "mp3"}});
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string id = submitted->JsonBody()["job_id"];
  json job = api_->WaitForFinal(id);
  ASSERT_EQ(job["status"], "done") << job.dump();
  ASSERT_TRUE(job.contains("timestamps")) << job.dump();
  EXPECT_EQ(CheckTimestamps(job["timestamps"], text, job["duration_s"]),
            (std::vector<std::string>{"Dr.", "Smith", "paid", "$3.50", "for", "a", "café", "crème",
                                      "Great"}));
  EXPECT_EQ(job["timestamps"][6]["char_start"], 27);  // "café": characters, not bytes

  auto side = api_->Call("GET", "/v1/tts/job/" + id + "/timestamps");
  ASSERT_TRUE(side);
  ASSERT_EQ(side->status, 200) << side->body;
  EXPECT_EQ(side->JsonBody()["job_id"], id);
  EXPECT_EQ(side->JsonBody()["timestamps"], job["timestamps"]);

  // The same sound from another text is a cache hit, but offsets into the first text
  // would be wrong for it: no timestamps.
  auto again = api_->Submit({{"text", "Doctor Smith paid $3.50 for a café crème. Great!"},
                             {"voice_id", "flite-slt"},
                             {"format", "mp3"}});
  ASSERT_TRUE(again);
  const json hit = again->JsonBody();
  json hit_job = api_->WaitForFinal(hit["job_id"]);
  if (hit_job.value("cache_hit", false)) {
    EXPECT_FALSE(hit_job.contains("timestamps")) << hit_job.dump();
    auto none =
        api_->Call("GET", "/v1/tts/job/" + hit["job_id"].get<std::string>() + "/timestamps");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 404);
  }
  // The identical text hits the cache and keeps the timestamps. With watermarks on, a worker
  // finishes the hit with its own marked copy, so the job ends a hit rather than starts one;
  // and the first job's cache entry is written just after that job is done, so a request
  // racing it may still be a miss: a few tries.
  json same_job = json::object();
  for (int attempt = 0; attempt < 5 && !same_job.value("cache_hit", false); ++attempt) {
    auto same = api_->Submit({{"text", text}, {"voice_id", "flite-slt"}, {"format", "mp3"}});
    ASSERT_TRUE(same);
    same_job = api_->WaitForFinal(same->JsonBody()["job_id"]);
  }
  EXPECT_TRUE(same_job.value("cache_hit", false)) << same_job.dump();
  EXPECT_EQ(same_job["timestamps"], job["timestamps"]);

  auto unknown = api_->Call("GET", "/v1/tts/job/00000000-0000-4000-8000-00000000abcd/timestamps");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(TimestampsE2E, AStreamLeavesItsTimestampsWithItsJob) {
  const std::string text = "Streams are timed too: 42 words? No, just a few.";
  auto streamed =
      api_->Call("POST", "/v1/tts/stream",
                 json{{"text", text}, {"voice_id", "espeak-en-us"}, {"format", "pcm"}}.dump(),
                 {{"Content-Type", "application/json"}});
  ASSERT_TRUE(streamed);
  ASSERT_EQ(streamed->status, 200);
  const std::string id(streamed->Header("X-Vox-Job-Id").value_or(""));
  ASSERT_FALSE(id.empty());
  json job = api_->WaitForFinal(id);
  ASSERT_EQ(job["status"], "done") << job.dump();
  ASSERT_TRUE(job.contains("timestamps")) << job.dump();
  const auto words = CheckTimestamps(job["timestamps"], text, job["duration_s"]);
  EXPECT_EQ(words, (std::vector<std::string>{"Streams", "are", "timed", "too", "42", "words", "No",
                                             "just", "a", "few"}));
  auto side = api_->Call("GET", "/v1/tts/job/" + id + "/timestamps");
  ASSERT_TRUE(side);
  EXPECT_EQ(side->status, 200);
}

}  // namespace
}  // namespace vox::testing
