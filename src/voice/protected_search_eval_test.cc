// Integration: protected voices shifted in pitch and formants (sox pitch, which moves both,
// as an evader would) are still found by FindProtectedInRecording, and other speakers are not.
// Held-out single sentences (2-3 s) against 4-sentence enrolments, as consent_eval_test.cc;
// an upload is longer and scores more stably.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "voice/protected_search.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"

namespace vox::voice {
namespace {

constexpr std::size_t kEnrolled = 4;
const std::vector<std::string> kListed = {"flite-slt", "flite-rms", "flite-awb", "espeak-en+f2"};

audio::PcmBuffer Speak(const testing::TestSpeaker& speaker, std::size_t sentence) {
  if (!testing::ToolsAvailable(speaker)) {
    ADD_FAILURE() << speaker.id << " needs " << ::testing::PrintToString(speaker.tools);
    return {};
  }
  auto pcm = testing::Synthesize(speaker, testing::EvaluationSentences()[sentence],
                                 testing::DefaultCacheDir());
  EXPECT_TRUE(pcm) << pcm.error().ToString();
  return pcm ? *pcm : audio::PcmBuffer{};
}

class ProtectedSearchEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string& id : kListed) {
      std::vector<Embedding> all;
      for (std::size_t i = 0; i < kEnrolled; ++i) {
        auto e = encoder_.Embed(Speak(testing::SpeakerById(id), i));
        ASSERT_TRUE(e) << e.error().ToString();
        all.push_back(*e);
      }
      voices_.push_back({id, id, *AverageEmbeddings(all)});
    }
  }

  std::optional<ProtectedMatch> Search(const audio::PcmBuffer& pcm) {
    auto m = FindProtectedInRecording(pcm, encoder_, voices_);
    EXPECT_TRUE(m) << m.error().ToString();
    return m ? *m : std::nullopt;
  }

  StatsSpeakerEncoder encoder_;
  std::vector<ProtectedVoice> voices_;
};

TEST_F(ProtectedSearchEvalTest, ShiftedProtectedVoicesAreFound) {
  const std::size_t held_out = testing::EvaluationSentences().size() - kEnrolled;
  for (int cents : {200, 400, -200, -400}) {
    int found = 0, refused = 0, plain = 0, total = 0;
    for (const std::string& id : kListed) {
      const testing::TestSpeaker speaker = testing::SoxPitch(testing::SpeakerById(id), cents);
      for (std::size_t i = kEnrolled; i < kEnrolled + held_out; ++i) {
        const audio::PcmBuffer pcm = Speak(speaker, i);
        auto match = Search(pcm);
        auto e = encoder_.Embed(pcm);
        ASSERT_TRUE(e);
        auto unshifted = FindProtectedMatch(*e, voices_);
        plain += unshifted && unshifted->has_value() && (*unshifted)->id == id;
        found += match && match->id == id;
        refused += match.has_value();  // the upload is refused whichever voice it matched
        ++total;
        if (!match || match->id != id) {
          // How close it came: its own enrolment alone, no threshold.
          const auto own = std::find_if(voices_.begin(), voices_.end(),
                                        [&](const ProtectedVoice& v) { return v.id == id; });
          ProtectedSearchOptions any;
          any.threshold = any.normalized_threshold = -1.0;
          auto near = FindProtectedInRecording(pcm, encoder_, {&*own, 1}, any);
          std::printf("  missed %s #%zu (flagged as %s; own voice at best %.3f, shift %d)\n",
                      speaker.id.c_str(), i, match ? match->id.c_str() : "none",
                      near && *near ? (*near)->similarity : -9.0,
                      near && *near ? (*near)->shift_cents : 0);
        }
      }
    }
    std::printf(
        "sox pitch %+d cents: refused %d/%d, as the right voice %d/%d (plain stats/1 check: "
        "%d/%d)\n",
        cents, refused, total, found, total, plain, total);
    RecordProperty("refused_" + std::to_string(cents), refused);
    // +400 is out of reach at 16 kHz: sox pushed everything above 6.35 kHz past Nyquist, so
    // the undone recording lacks the top mel bands the enrolment has (README.md); measured
    // 14/24 refused. The others are all found.
    if (cents != 400) EXPECT_EQ(found, total) << cents;
  }
}

TEST_F(ProtectedSearchEvalTest, OtherSpeakersAreNotFlagged) {
  // Every evaluation speaker that is not a listed one or a rendition of one (Festival's HTS
  // slt is the same recorded person as flite slt; the sox renditions are the listed voices).
  int flagged = 0, added = 0, total = 0;
  double search_ms = 0.0, plain_ms = 0.0;
  auto ms_since = [](auto start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  for (const testing::TestSpeaker& s : testing::EvaluationSpeakers()) {
    if (std::find(kListed.begin(), kListed.end(), s.id) != kListed.end() ||
        s.id.starts_with("flite-slt") || s.id.starts_with("flite-rms") ||
        s.id.starts_with("flite-awb") || s.id == "festival-slt-hts") {
      continue;
    }
    for (std::size_t i = kEnrolled; i < testing::EvaluationSentences().size(); ++i) {
      const audio::PcmBuffer pcm = Speak(s, i);
      auto start = std::chrono::steady_clock::now();
      auto match = Search(pcm);
      search_ms += ms_since(start);
      start = std::chrono::steady_clock::now();
      auto e = encoder_.Embed(pcm);
      ASSERT_TRUE(e);
      auto plain = FindProtectedMatch(*e, voices_);
      plain_ms += ms_since(start);
      ASSERT_TRUE(plain);
      ++total;
      if (!match) continue;
      ++flagged;
      added += !plain->has_value();
      std::printf("  false alarm: %s #%zu as %s at %.3f (shift %d, without pitch %d)%s\n",
                  s.id.c_str(), i, match->id.c_str(), match->similarity, match->shift_cents,
                  match->without_pitch, plain->has_value() ? "" : " [added by the search]");
    }
  }
  std::printf("other speakers flagged: %d/%d, of which the normalised search added %d\n", flagged,
              total, added);
  std::printf("cost per sentence: search %.1f ms, plain check %.1f ms\n", search_ms / total,
              plain_ms / total);
  RecordProperty("false_alarms", flagged);
  RecordProperty("false_alarms_added", added);
  // The plain check's known false alarms (kal16 and ked as rms, see the README) stay; the
  // search may add few: measured 1 of 54 (eSpeak f4 as f2 at 0.908, undoing 100 cents).
  EXPECT_LE(added, 2);
}

}  // namespace
}  // namespace vox::voice
