// The WebSocket stream-input protocol's pieces: client messages and the query checked
// field by field, server messages in ElevenLabs' shape, and the text cut into pieces that
// join back to exactly what the client sent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "api/elevenlabs/stream_input_messages.h"
#include "api/elevenlabs/stream_input_text.h"
#include "common/base64.h"
#include "text/utf8.h"

namespace vox::api::elevenlabs {
namespace {

using nlohmann::json;

struct BadMessage {
  const char* payload;
  bool first;
  const char* field;  // the error names it
};

TEST(StreamInputMessages, BadMessagesAreRefusedNamingTheField) {
  const BadMessage cases[] = {
      {"not json", true, ""},
      {"[1,2]", true, ""},
      {"\"text\"", false, ""},
      {"{}", false, "text"},
      {R"({"text":null})", false, "text"},
      {R"({"text":42})", false, "text"},
      {R"({"text":"a","flush":"yes"})", false, "flush"},
      {R"({"text":"a","try_trigger_generation":1})", false, "try_trigger_generation"},
      {R"({"text":" ","voice_settings":[]})", true, "voice_settings"},
      {R"({"text":" ","voice_settings":{"speed":9}})", true, "voice_settings.speed"},
      {R"({"text":" ","voice_settings":{"stability":"high"}})", true, "voice_settings.stability"},
      {R"({"text":" ","generation_config":{"chunk_length_schedule":[10]}})", true,
       "generation_config.chunk_length_schedule"},
      {R"({"text":" ","generation_config":{"chunk_length_schedule":"120"}})", true,
       "generation_config.chunk_length_schedule"},
      {R"({"text":" ","generation_config":{"chunk_length_schedule":[]}})", true,
       "generation_config.chunk_length_schedule"},
      {R"({"text":" ","generation_config":{"chunk_length_schedule":[120,49]}})", true,
       "generation_config.chunk_length_schedule"},
      {R"({"text":" ","generation_config":{"chunk_length_schedule":[501]}})", true,
       "generation_config.chunk_length_schedule"},
      {R"({"text":" ","generation_config":{"chunk_length_schedule":[120.5]}})", true,
       "generation_config.chunk_length_schedule"},
      {R"({"text":" ","generation_config":{"chunk_length_schedule":["120"]}})", true,
       "generation_config.chunk_length_schedule"},
      {R"({"text":" ","generation_config":{"chunk_length_schedule":)"
       R"([50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50,50]}})",
       true, "generation_config.chunk_length_schedule"},
      {R"({"text":" ","generation_config":[120]})", true, "generation_config"},
      {R"({"text":" ","xi_api_key":7})", true, "xi_api_key"},
      {R"({"text":"hi","xi_api_key":"k"})", false, "xi_api_key"},  // only the first message
  };
  for (const BadMessage& c : cases) {
    SCOPED_TRACE(c.payload);
    auto m = ParseStreamInputMessage(c.payload, c.first);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(m.error().field, c.field);
    EXPECT_FALSE(m.error().message.empty());
  }
}

TEST(StreamInputMessages, FirstMessageCarriesSettingsAndKey) {
  auto m = ParseStreamInputMessage(
      R"({"text":" ","voice_settings":{"speed":1.1,"stability":0.5},)"
      R"("generation_config":{"chunk_length_schedule":[120,160,250,290]},"xi_api_key":"vox_k"})",
      true);
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->text, " ");
  ASSERT_TRUE(m->speed);
  EXPECT_DOUBLE_EQ(*m->speed, 1.1);
  EXPECT_EQ(m->authorization, "Bearer vox_k");
  EXPECT_EQ(m->chunk_length_schedule, (std::vector<int>{120, 160, 250, 290}));
  auto bounds = ParseStreamInputMessage(
      R"({"text":" ","generation_config":{"chunk_length_schedule":[50,500]}})", true);
  ASSERT_TRUE(bounds) << bounds.error().ToString();
  EXPECT_EQ(bounds->chunk_length_schedule, (std::vector<int>{50, 500}));
  auto bearer = ParseStreamInputMessage(R"({"text":" ","authorization":"Bearer t"})", true);
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->authorization, "Bearer t");
  EXPECT_FALSE(bearer->speed);
  EXPECT_FALSE(bearer->chunk_length_schedule) << "no schedule sent: the default applies";

  auto chunk = ParseStreamInputMessage(
      R"({"text":"Hello ","try_trigger_generation":true,"flush":true,"unknown":1})", false);
  ASSERT_TRUE(chunk);
  EXPECT_TRUE(chunk->flush);
  EXPECT_TRUE(chunk->try_trigger_generation);
  EXPECT_FALSE(chunk->authorization);
}

TEST(StreamInputMessages, QueryIsCheckedBeforeTheUpgrade) {
  auto query = [](std::vector<std::pair<std::string, std::string>> q) {
    http::Request r;
    for (auto& [k, v] : q) r.query.emplace_back(k, v);
    return ParseStreamInputQuery(r);
  };
  auto defaults = query({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->inactivity_timeout, std::chrono::seconds(20));
  auto set = query({{"output_format", "pcm_16000"},
                    {"inactivity_timeout", "180"},
                    {"model_id", "eleven_flash_v2_5"},
                    {"sync_alignment", "true"}});
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_EQ(set->inactivity_timeout, std::chrono::seconds(180));
  EXPECT_TRUE(set->sync_alignment);
  EXPECT_EQ(set->format.encode.sample_rate, 16000);
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"inactivity_timeout", "0"},
                                                        {"inactivity_timeout", "181"},
                                                        {"inactivity_timeout", "20s"},
                                                        {"output_format", "mp3_1_2"},
                                                        {"model_id", "gpt-4"},
                                                        {"auto_mode", "maybe"}}) {
    SCOPED_TRACE(name + "=" + value);
    auto q = query({{name, value}});
    ASSERT_FALSE(q);
    EXPECT_EQ(q.error().field, name);
  }
}

TEST(StreamInputMessages, AudioMessageTimesAreRelativeToItsAudio) {
  text::CharacterAlignment a{{"H", "i"}, {1.0, 1.25}, {1.25, 1.5}};
  text::CharacterAlignment normalized{{"h"}, {1.0}, {1.5}};
  const json m = json::parse(AudioMessage("\x01\x02", a, normalized, 1.0));
  EXPECT_EQ(Base64Decode(m["audio"].get<std::string>()), std::string("\x01\x02"));
  EXPECT_TRUE(m["isFinal"].is_null());
  EXPECT_EQ(m["alignment"]["chars"], json::array({"H", "i"}));
  EXPECT_EQ(m["alignment"]["charStartTimesMs"], json::array({0, 250}));
  EXPECT_EQ(m["alignment"]["charDurationsMs"], json::array({250, 250}));
  EXPECT_EQ(m["normalizedAlignment"]["charDurationsMs"], json::array({500}));
  const json bare = json::parse(AudioMessage("", {}, {}, 0));
  EXPECT_TRUE(bare["alignment"].is_null());
  EXPECT_TRUE(bare["normalizedAlignment"].is_null());
  EXPECT_EQ(json::parse(FinalMessage()), json({{"isFinal", true}}));
}

TEST(StreamInputText, SentencesLeaveAsTheyCompleteAndJoinBackToTheText) {
  StreamInputText text;
  std::string joined;
  auto take = [&](std::vector<std::string> pieces) {
    for (auto& p : pieces) joined += p;
    return pieces.size();
  };
  EXPECT_EQ(take(text.Add("Hello there")), 0u);
  EXPECT_EQ(take(text.Add(", Dr. Smith paid $3.50. It ")), 1u) << "the first sentence is done";
  EXPECT_EQ(joined, "Hello there, Dr. Smith paid $3.50.");
  EXPECT_EQ(take(text.Add("was cheap! And")), 1u);
  EXPECT_EQ(take(text.Add(" then  ")), 0u);
  EXPECT_GT(text.buffered(), 0u);
  EXPECT_EQ(take(text.Flush()), 1u);
  EXPECT_EQ(joined, "Hello there, Dr. Smith paid $3.50. It was cheap! And then");
  EXPECT_EQ(take(text.Add("more.")), 0u) << "a sentence may still go on";
  EXPECT_EQ(take(text.Flush()), 1u);
  EXPECT_EQ(joined, "Hello there, Dr. Smith paid $3.50. It was cheap! And then  more.");
  EXPECT_EQ(take(text.Flush()), 0u);
  EXPECT_EQ(take(text.Add("   ")), 0u);
  EXPECT_EQ(take(text.Flush()), 0u) << "whitespace alone is never spoken";
}

TEST(StreamInputText, ALongSentenceIsCutAndNothingIsLost) {
  StreamInputText text({.schedule = {}, .max_sentence_bytes = 64});
  std::string input, joined;
  for (int i = 0; i < 40; ++i) input += "word" + std::to_string(i) + " ";
  for (size_t at = 0; at < input.size(); at += 7) {
    for (auto& p : text.Add(input.substr(at, 7))) {
      EXPECT_LE(p.size(), 80u);
      joined += p;
    }
  }
  for (auto& p : text.Flush()) joined += p;
  EXPECT_EQ(joined, input.substr(0, input.size() - 1));
}

// `words` copies of `word` fed one at a time; the pieces they trigger, in characters.
std::vector<size_t> PieceLengths(StreamInputText& text, const std::string& word, int words,
                                 std::string* joined) {
  std::vector<size_t> lengths;
  for (int i = 0; i < words; ++i) {
    for (auto& p : text.Add(word)) {
      lengths.push_back(text::CountCodePoints(p));
      *joined += p;
    }
  }
  return lengths;
}

TEST(StreamInputText, ScheduleThresholdsTriggerInOrderAndTheLastRepeats) {
  StreamInputText text({.schedule = {50, 80, 100}});
  EXPECT_EQ(text.threshold(), 50u);
  std::string joined;
  // "word " is 5 characters; a piece ends at its last complete word and carries the space
  // before it: 11 words (54 characters) reach 50, then 16 (80), then 20 (100), 20, 20.
  EXPECT_EQ(PieceLengths(text, "word ", 10, &joined), std::vector<size_t>{})
      << "49 characters of complete words: under the first threshold";
  EXPECT_EQ(PieceLengths(text, "word ", 1, &joined), std::vector<size_t>{54});
  EXPECT_EQ(text.threshold(), 80u);
  EXPECT_EQ(PieceLengths(text, "word ", 16 + 20 + 20 + 20, &joined),
            (std::vector<size_t>{80, 100, 100, 100}));
  EXPECT_EQ(text.threshold(), 100u) << "the last value repeats";
  for (auto& p : text.Flush()) joined += p;
  std::string sent;
  for (int i = 0; i < 87; ++i) sent += "word ";
  EXPECT_EQ(joined, sent.substr(0, sent.size() - 1));
}

TEST(StreamInputText, ThresholdsCountCharactersAndNeverCutAWord) {
  StreamInputText text({.schedule = {50}});
  std::string joined;
  // "café " is 5 characters in 6 bytes: bytes would reach 50 at the 9th word.
  EXPECT_EQ(PieceLengths(text, "café ", 10, &joined), std::vector<size_t>{});
  EXPECT_EQ(PieceLengths(text, "café ", 1, &joined), std::vector<size_t>{54});
  // A word with no whitespace after it may still go on: it waits however long it is.
  EXPECT_TRUE(text.Add(std::string(80, 'x')).empty());
  auto pieces = text.Add(" y");
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0], " " + std::string(80, 'x'));
  EXPECT_EQ(text.buffered(), 2u) << "\" y\" waits";
}

TEST(StreamInputText, SentenceEndTriggersBeforeTheThresholdAndMovesTheScheduleOn) {
  StreamInputText text;  // ElevenLabs' default [120, 160, 250, 290]
  EXPECT_EQ(text.threshold(), 120u);
  EXPECT_TRUE(text.Add("Hi there").empty());
  auto pieces = text.Add(". And then ");
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0], "Hi there.");
  EXPECT_EQ(text.threshold(), 160u);
  // No schedule at all (auto_mode): sentences and flushes only, however long the text.
  StreamInputText unscheduled({.schedule = {}});
  std::string joined;
  EXPECT_EQ(PieceLengths(unscheduled, "word ", 70, &joined), std::vector<size_t>{});
  EXPECT_EQ(unscheduled.threshold(), 0u);
}

TEST(StreamInputText, FlushSpeaksEverythingAndTryTriggerNeedsTheMinimum) {
  StreamInputText text({.schedule = {500}});
  std::string joined;
  EXPECT_EQ(PieceLengths(text, "word ", 60, &joined), std::vector<size_t>{});
  auto flushed = text.Flush();
  ASSERT_EQ(flushed.size(), 1u);
  EXPECT_EQ(text::CountCodePoints(flushed[0]), 299u);
  // try_trigger_generation: nothing under 50 characters of complete words...
  EXPECT_TRUE(text.Add("just a few words and a half").empty());
  EXPECT_TRUE(text.TryTrigger().empty());
  // ... then the complete words, however far from the schedule's 500; "hal" waits.
  EXPECT_TRUE(text.Add(" more words here to pass the minimum hal").empty());
  auto triggered = text.TryTrigger();
  ASSERT_EQ(triggered.size(), 1u);
  EXPECT_EQ(triggered[0], " just a few words and a half more words here to pass the minimum");
  EXPECT_EQ(text.buffered(), 4u);
  auto rest = text.Flush();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0], " hal");
}

// Mutated messages (bytes flipped, cut, duplicated) parse or fail with kInvalidArgument, and
// any text fed in any cuts comes back whole from the pieces: never a crash, never a loss.
TEST(StreamInputMessages, MutatedMessagesNeverCrashOrLoseText) {
  const std::string seeds[] = {
      R"({"text":" ","voice_settings":{"speed":1.1},"xi_api_key":"k"})",
      R"({"text":"Hello. World! ","flush":true,"try_trigger_generation":false})",
      R"({"text":"","generation_config":{"chunk_length_schedule":[120,160]}})",
  };
  std::mt19937 rng(12);
  for (int i = 0; i < 6000; ++i) {
    std::string m = seeds[i % 3];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !m.empty(); ++e) {
      const size_t at = rng() % m.size();
      switch (rng() % 4) {
        case 0:
          m[at] = static_cast<char>(rng());
          break;
        case 1:
          m.erase(at, 1 + rng() % 8);
          break;
        case 2:
          m.insert(at, m.substr(at, rng() % 16));
          break;
        default:
          m.resize(at);
          break;
      }
    }
    auto parsed = ParseStreamInputMessage(m, i % 2 == 0);
    if (!parsed) {
      ASSERT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << m;
      continue;
    }
    StreamInputTextOptions options;
    options.max_sentence_bytes = 16 + rng() % 64;
    if (parsed->chunk_length_schedule) options.schedule = *parsed->chunk_length_schedule;
    StreamInputText text(options);
    std::string joined;
    for (size_t at = 0, n = 0; at < parsed->text.size(); at += n) {
      n = 1 + rng() % 9;
      for (auto& p : text.Add(parsed->text.substr(at, n))) joined += p;
      if (rng() % 4 == 0) {
        for (auto& p : text.TryTrigger()) joined += p;
      }
    }
    for (auto& p : text.Flush()) joined += p;
    const size_t end = parsed->text.find_last_not_of(" \t\r\n\f\v");
    ASSERT_EQ(joined, end == std::string::npos ? "" : parsed->text.substr(0, end + 1)) << m;
  }
}

}  // namespace
}  // namespace vox::api::elevenlabs
