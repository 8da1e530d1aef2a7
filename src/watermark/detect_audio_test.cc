// DetectAudio against a real store: a Wyoming synthesis (no job; its mark id is the target
// of its audit event) is named among other Wyoming syntheses, and nothing is named when its
// event is not in the store.
#include "watermark/detect_audio.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "audio/encode.h"

namespace vox::watermark {
namespace {

audio::PcmBuffer WhiteNoise(int rate, double seconds) {
  std::mt19937 rng(7);
  std::normal_distribution<float> n(0, 0.1f);
  audio::PcmBuffer pcm{rate, 1, {}};
  pcm.samples.resize(static_cast<size_t>(rate * seconds));
  for (float& s : pcm.samples) s = n(rng);
  return pcm;
}

class DetectAudioStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate());
    auto created = Watermarker::Create(WatermarkConfig{});  // the development key
    ASSERT_TRUE(created.has_value());
    watermarker_ = std::move(*created);
  }

  // A wyoming.synthesize event as the platform writes it; returns its row id.
  int64_t RecordWyoming(const std::string& mark_id) {
    store::AuditEvent e;
    e.action = std::string(kWyomingAuditAction);
    e.target_type = "wyoming";
    e.target_id = mark_id;
    auto id = store_->AppendAudit(e);
    EXPECT_TRUE(id.has_value());
    return id.value_or(0);
  }

  // `seconds` of audio marked for `mark_id`, as a WAV file.
  std::string MarkedWav(const std::string& mark_id, double seconds) {
    auto wav = audio::Encode(watermarker_->MarkAll(mark_id, WhiteNoise(16000, seconds)), {});
    EXPECT_TRUE(wav.has_value());
    return wav.value_or("");
  }

  // Fixed ids: whether 2 s of audio still yields a readable payload depends on the bits.
  static std::string Decoy(int i) { return fmt::format("{:08x}-0000-4000-8000-{:012x}", i, i); }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Watermarker> watermarker_;
};

// Long clean audio carries a readable payload; 2 s only evidence that the recent syntheses
// are matched against. Both name the Wyoming synthesis.
TEST_F(DetectAudioStoreTest, NamesAWyomingSynthesisByItsAuditEvent) {
  for (int i = 0; i < 20; ++i) RecordWyoming(Decoy(i));
  const std::string mark_id = "5b0c7e2a-1f3d-4e8a-9c6b-2d4f8a1e3c70";
  const int64_t audit_id = RecordWyoming(mark_id);
  for (int i = 20; i < 40; ++i) RecordWyoming(Decoy(i));

  for (const auto& [seconds, how] : {std::pair{25.0, "payload"}, std::pair{2.0, "candidates"}}) {
    SCOPED_TRACE(how);
    auto report = DetectAudio(*watermarker_, store_.get(), MarkedWav(mark_id, seconds));
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_TRUE(report->detection.watermarked);
    EXPECT_EQ(report->source, "wyoming");
    EXPECT_EQ(report->mark_id, mark_id);
    EXPECT_EQ(report->audit_id, audit_id);
    EXPECT_FALSE(report->job_id.has_value());
    const nlohmann::json j = report->ToJson();
    EXPECT_EQ(j["source"], "wyoming");
    EXPECT_EQ(j["mark_id"], mark_id);
    EXPECT_EQ(j["audit_id"], audit_id);
    EXPECT_TRUE(j["job_id"].is_null());
    EXPECT_EQ(j["identified_by"], how);
  }
}

TEST_F(DetectAudioStoreTest, AMarkWhoseSynthesisIsNotRecordedNamesNothing) {
  for (int i = 0; i < 20; ++i) RecordWyoming(Decoy(i));
  auto report = DetectAudio(*watermarker_, store_.get(), MarkedWav(Decoy(99), 25));
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->detection.watermarked);  // Vox's audio, but no record says whose
  EXPECT_TRUE(report->source.empty());
  EXPECT_FALSE(report->mark_id.has_value());
  EXPECT_FALSE(report->job_id.has_value());
  const nlohmann::json j = report->ToJson();
  EXPECT_TRUE(j["source"].is_null());
  EXPECT_FALSE(j.contains("mark_id"));
}

}  // namespace
}  // namespace vox::watermark
