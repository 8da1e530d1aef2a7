// Decompression bombs: small files of long multichannel silence. On the
// upload path (mono, resampled to 16 kHz while decoding, a budget shared by
// the files of one request) memory must follow the output, not the file's
// rate x channels, and decoding must stop at the budget.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <numbers>
#include <string>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/encode.h"
#include "audio/format.h"
#include "audio/resampler.h"
#include "audio/testing/test_bombs.h"

namespace vox::audio {
namespace {

using testing::Bomb;
using testing::MakeBomb;
using testing::RunInChild;

constexpr int kRate = 16000;

DecodeOptions UploadOptions(DecodeBudget* budget) {
  DecodeOptions options;
  options.mix_to_mono = true;
  options.output_sample_rate = kRate;
  options.budget = budget;
  return options;
}

// 60 s of 8 channels: 369 MB as floats at 192 kHz, 92 MB at 48 kHz, 184 MB
// at 96 kHz; 3.8 MB once mono at 16 kHz. Made once per process, on first use.
const std::string& BombBytes(const std::string& name) {
  static const std::map<std::string, Bomb> specs = {
      {"flac", {"flac", 192000, 8, 60, /*unsized=*/true}},
      {"ogg", {"ogg", 48000, 8, 60}},
      {"webm", {"webm", 48000, 8, 60, /*unsized=*/true}},
      {"m4a", {"m4a", 96000, 8, 60}},
  };
  static std::map<std::string, std::string> made;
  auto it = made.find(name);
  if (it == made.end()) it = made.emplace(name, MakeBomb(specs.at(name))).first;
  return it->second;
}

class DecodeBombTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveFfmpeg()) GTEST_SKIP() << "needs the ffmpeg CLI";
  }
  // The bomb, checked to be a small file.
  static const std::string& Get(const std::string& name) {
    const std::string& bytes = BombBytes(name);
    EXPECT_FALSE(bytes.empty()) << "ffmpeg could not make the " << name << " bomb";
    EXPECT_LT(bytes.size(), 300'000u) << name;
    return bytes;
  }
};

TEST_F(DecodeBombTest, UploadPathMemoryFollowsTheOutputNotTheFile) {
  for (const char* name : {"flac", "ogg", "webm", "m4a"}) {
    const std::string& bytes = Get(name);
    const auto run = RunInChild([&bytes] {
      auto pcm = Decode(bytes, UploadOptions(nullptr));
      if (!pcm) return 2;
      if (pcm->channels != 1 || pcm->sample_rate != kRate) return 3;
      return std::abs(pcm->duration_s() - 60.0) < 0.1 ? 0 : 4;
    });
    EXPECT_EQ(run.exit_code, 0) << name;
    // The output is 3.8 MB; the whole file at its own rate would be 92..369 MB.
    std::printf("%s: peak RSS grew by %ld KiB\n", name, run.grown_kib());
    EXPECT_LT(run.grown_kib(), 32 * 1024)
        << name << ": peak RSS grew by " << run.grown_kib() << " KiB";
  }
}

// The measurement itself can fail: the plain path holds the file's samples.
TEST_F(DecodeBombTest, NativePathHoldsEveryChannelAtTheFileRate) {
  const std::string& flac = Get("flac");
  const auto run = RunInChild([&flac] { return Decode(flac) ? 0 : 2; });
  EXPECT_EQ(run.exit_code, 0);
  std::printf("flac, plain path: peak RSS grew by %ld KiB\n", run.grown_kib());
  EXPECT_GT(run.grown_kib(), 300 * 1024) << run.grown_kib() << " KiB";
}

// At the limit the output itself is the memory: 600 s at 16 kHz is 38 MB,
// reserved once, not grown by doubling (which peaked at 100 MB).
TEST_F(DecodeBombTest, MemoryAtTheBudgetIsTheBudgetsOutput) {
  const std::string flac = MakeBomb({"flac", 16000, 1, 700, /*unsized=*/true});
  ASSERT_FALSE(flac.empty());
  const auto run = RunInChild([&flac] {
    DecodeBudget budget(600.0, "the recordings");
    auto pcm = Decode(flac, UploadOptions(&budget));
    return !pcm && pcm.error().code == ErrorCode::kResourceExhausted ? 0 : 2;
  });
  EXPECT_EQ(run.exit_code, 0);
  std::printf("700 s FLAC at a 600 s budget: peak RSS grew by %ld KiB\n", run.grown_kib());
  EXPECT_LT(run.grown_kib(), (38 + 12) * 1024) << run.grown_kib() << " KiB";
}

TEST_F(DecodeBombTest, BudgetIsSharedByTheFilesAndStopsDecoding) {
  DecodeBudget budget(100.0, "the recordings in files");
  auto first = Decode(Get("ogg"), UploadOptions(&budget));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_NEAR(budget.used_seconds(), 60.0, 0.1);
  // No stated length: decoding runs into the limit and stops there.
  for (const char* name : {"webm", "m4a", "flac"}) {
    const double used = budget.used_seconds();
    auto over = Decode(Get(name), UploadOptions(&budget));
    ASSERT_FALSE(over) << name;
    EXPECT_EQ(over.error().code, ErrorCode::kResourceExhausted) << name;
    EXPECT_EQ(over.error().field, "audio");
    EXPECT_NE(over.error().message.find("the recordings in files hold more than the limit of "
                                        "100 s of audio"),
              std::string::npos)
        << name << ": " << over.error().message;
    EXPECT_EQ(budget.used_seconds(), used) << "a failed decode takes nothing";
  }
  // What is left still decodes.
  auto short_one = Decode(MakeBomb({"ogg", 48000, 2, 30}), UploadOptions(&budget));
  ASSERT_TRUE(short_one) << short_one.error().ToString();
  EXPECT_NEAR(budget.used_seconds(), 90.0, 0.1);
}

TEST_F(DecodeBombTest, StatedLengthOverTheBudgetIsRefusedBeforeDecoding) {
  DecodeBudget budget(100.0, "the recordings in files");
  budget.Take(50.0);
  auto sized = Decode(MakeBomb({"flac", 48000, 2, 60}), UploadOptions(&budget));
  ASSERT_FALSE(sized);
  EXPECT_EQ(sized.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(sized.error().message.find("flac audio claims 60 s; the recordings in files may hold "
                                       "at most 100 s (50 s before this file)"),
            std::string::npos)
      << sized.error().message;
}

TEST(DecodeUploadPath, EqualsDecodingWholeThenDownmixingAndResampling) {
  // A stereo chirp at 44.1 kHz with different channels, near full scale.
  PcmBuffer stereo{44100, 2, {}};
  for (int i = 0; i < 44100 * 3; ++i) {
    const double t = i / 44100.0;
    stereo.samples.push_back(
        static_cast<float>(0.7 * std::sin(2 * std::numbers::pi * (200 + 300 * t) * t)));
    stereo.samples.push_back(static_cast<float>(0.2 * std::sin(2 * std::numbers::pi * 1234 * t)));
  }
  for (Format format : {Format::kWav, Format::kFlac}) {
    EncodeOptions encode;
    encode.format = format;
    auto bytes = Encode(stereo, encode);
    ASSERT_TRUE(bytes) << bytes.error().ToString();
    auto whole = Decode(*bytes);
    ASSERT_TRUE(whole);
    auto before = Resample(ToMono(*whole), kRate);
    ASSERT_TRUE(before);
    auto streamed = Decode(*bytes, UploadOptions(nullptr));
    ASSERT_TRUE(streamed) << streamed.error().ToString();
    ASSERT_EQ(streamed->samples.size(), before->samples.size());
    EXPECT_EQ(streamed->samples, before->samples) << FormatName(format);
  }
}

TEST(DecodeUploadPath, BadOutputRateIsTheCallersError) {
  DecodeOptions options;
  options.output_sample_rate = 1234;
  auto r = Decode("RIFF", options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "sample_rate");
}

TEST(DecodeUploadPath, RawPcmHonoursTheUploadOptions) {
  std::string bytes;
  for (int i = 0; i < 48000; ++i) {  // 1 s of stereo at 48 kHz, left 0.5, right -0.25
    for (std::int16_t v : {std::int16_t{16384}, std::int16_t{-8192}}) {
      bytes.push_back(static_cast<char>(v & 0xFF));
      bytes.push_back(static_cast<char>((v >> 8) & 0xFF));
    }
  }
  DecodeBudget budget(0.5, "the recordings");
  auto over = DecodeRawPcm(bytes, 48000, 2, UploadOptions(&budget));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kResourceExhausted);
  DecodeBudget enough(2.0, "the recordings");
  auto r = DecodeRawPcm(bytes, 48000, 2, UploadOptions(&enough));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->channels, 1);
  EXPECT_EQ(r->sample_rate, kRate);
  EXPECT_EQ(r->frames(), 16000u);
  EXPECT_NEAR(r->samples[8000], 0.125f, 1e-3);
}

}  // namespace
}  // namespace vox::audio
