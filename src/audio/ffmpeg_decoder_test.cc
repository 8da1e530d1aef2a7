// WebM/Matroska and MP4/M4A decoding through Decode(): the recordings
// browsers and phones make decode with the right rate, channels, duration and
// signal; cut-off, corrupt, empty, over-long and out-of-bounds files give the
// documented errors. Fixtures: testdata/make_fixtures.sh.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "audio/decode.h"
#include "audio/testing/test_signals.h"

namespace vox::audio {
namespace {

using testing::ToneFraction;
using testing::ZeroCrossingHz;

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(VOX_SOURCE_DIR) + "/src/audio/testdata/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ExpectError(const Result<PcmBuffer>& r, ErrorCode code, const std::string& what) {
  ASSERT_FALSE(r) << what << ": decoded " << r->frames() << " frames";
  EXPECT_EQ(r.error().code, code) << what << ": " << r.error().ToString();
  EXPECT_EQ(r.error().field, "audio") << what;
  EXPECT_FALSE(r.error().message.empty());
}

PcmBuffer Channel(const PcmBuffer& pcm, int c) {
  PcmBuffer out{pcm.sample_rate, 1, {}};
  for (std::size_t i = 0; i < pcm.frames(); ++i)
    out.samples.push_back(pcm.samples[i * pcm.channels + c]);
  return out;
}

TEST(AudioFfmpegDecode, SniffsWebmAndMp4) {
  EXPECT_EQ(SniffContainer(Fixture("sine440_opus.webm")), "webm");
  EXPECT_EQ(SniffContainer(Fixture("live_opus.webm")), "webm");
  EXPECT_EQ(SniffContainer(Fixture("pcm_in.mkv")), "webm");
  EXPECT_EQ(SniffContainer(Fixture("sine440_aac.m4a")), "mp4");
  EXPECT_EQ(SniffContainer(std::string("\0\0\0\x1C"
                                       "ftypisom",
                                       12)),
            "mp4");
  EXPECT_EQ(SniffContainer(std::string("\x1A\x45\xDF", 3)), "");
  EXPECT_EQ(SniffContainer(std::string("\0\0\0\x1C"
                                       "fty",
                                       7)),
            "");
}

TEST(AudioFfmpegDecode, OpusInWebm) {
  auto r = Decode(Fixture("sine440_opus.webm"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->sample_rate, 48000);
  EXPECT_EQ(r->channels, 1);
  // Matroska's CodecDelay and DiscardPadding trim the encoder's padding exactly.
  EXPECT_NEAR(r->duration_s(), 1.0, 0.005);
  EXPECT_NEAR(ZeroCrossingHz(*r), 440.0, 2.0);
  EXPECT_GT(ToneFraction(*r, 440.0), 0.9);
}

TEST(AudioFfmpegDecode, LiveWebmWithUnknownSizes) {
  // What MediaRecorder uploads: no segment size, no duration, no cues.
  auto r = Decode(Fixture("live_opus.webm"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->sample_rate, 48000);
  EXPECT_NEAR(r->duration_s(), 1.0, 0.005);
  EXPECT_NEAR(ZeroCrossingHz(*r), 1000.0, 3.0);
}

TEST(AudioFfmpegDecode, StereoVorbisInWebmKeepsChannelOrder) {
  const std::string bytes = Fixture("stereo_vorbis.webm");
  auto r = Decode(bytes);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->sample_rate, 44100);
  ASSERT_EQ(r->channels, 2);
  EXPECT_NEAR(r->duration_s(), 1.0, 0.02);
  EXPECT_NEAR(ZeroCrossingHz(Channel(*r, 0)), 440.0, 2.0);
  EXPECT_NEAR(ZeroCrossingHz(Channel(*r, 1)), 880.0, 4.0);

  DecodeOptions mono;
  mono.mix_to_mono = true;
  auto m = Decode(bytes, mono);
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->channels, 1);
  EXPECT_EQ(m->frames(), r->frames());
  EXPECT_GT(ToneFraction(*m, 440.0), 0.3);
  EXPECT_GT(ToneFraction(*m, 880.0), 0.3);
}

TEST(AudioFfmpegDecode, AacInM4a) {
  for (const char* name : {"sine440_aac.m4a", "sine440_aac_moov_last.m4a"}) {
    auto r = Decode(Fixture(name));
    ASSERT_TRUE(r) << name << ": " << r.error().ToString();
    EXPECT_EQ(r->sample_rate, 16000) << name;
    EXPECT_EQ(r->channels, 1) << name;
    // The edit list removes the 1024-sample priming; ffmpeg 5.1 keeps the
    // end padding of the last AAC frame (at most 1024 samples).
    EXPECT_GE(r->duration_s(), 0.99) << name;
    EXPECT_LE(r->duration_s(), 1.0 + 1024.0 / 16000 + 0.001) << name;
    EXPECT_NEAR(ZeroCrossingHz(*r), 440.0, 2.0) << name;
    EXPECT_GT(ToneFraction(*r, 440.0), 0.9) << name;
  }
}

TEST(AudioFfmpegDecode, TruncatedFilesAreInvalid) {
  for (const char* name : {"sine440_opus.webm", "stereo_vorbis.webm", "sine440_aac.m4a"}) {
    const std::string bytes = Fixture(name);
    ASSERT_FALSE(bytes.empty()) << name;
    for (std::size_t cut : {1ul, 4ul, 8ul, 40ul, 200ul, bytes.size() / 4, bytes.size() / 2,
                            bytes.size() * 3 / 4, bytes.size() - 100, bytes.size() - 1}) {
      ExpectError(Decode(std::string_view(bytes).substr(0, cut)), ErrorCode::kInvalidArgument,
                  std::string(name) + " cut at " + std::to_string(cut));
    }
  }
  // With the index at the end, any cut that loses audio also loses the index.
  const std::string moov_last = Fixture("sine440_aac_moov_last.m4a");
  for (std::size_t cut : {40ul, moov_last.size() / 2, moov_last.size() - 200}) {
    ExpectError(Decode(std::string_view(moov_last).substr(0, cut)), ErrorCode::kInvalidArgument,
                "moov last, cut at " + std::to_string(cut));
  }
}

TEST(AudioFfmpegDecode, LiveWebmCutShortDecodesWhatIsThere) {
  // Documented limit: with unknown sizes the end of the bytes is the end of
  // the recording, as it is for an upload that stopped recording early.
  const std::string bytes = Fixture("live_opus.webm");
  auto r = Decode(std::string_view(bytes).substr(0, bytes.size() / 2));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_GT(r->duration_s(), 0.2);
  EXPECT_LT(r->duration_s(), 0.8);
}

TEST(AudioFfmpegDecode, EmptyAndMagicOnlyInputsAreInvalid) {
  ExpectError(Decode(""), ErrorCode::kInvalidArgument, "empty");
  ExpectError(Decode(std::string("\x1A\x45\xDF\xA3", 4)), ErrorCode::kInvalidArgument, "ebml");
  ExpectError(Decode(std::string("\0\0\0\x08"
                                 "ftyp",
                                 8)),
              ErrorCode::kInvalidArgument, "ftyp");
  ExpectError(Decode(std::string("\0\0\0\x10"
                                 "ftypM4A \0\0\0\0",
                                 16)),
              ErrorCode::kInvalidArgument, "ftyp box only");
}

TEST(AudioFfmpegDecode, CorruptHeadersAreInvalid) {
  for (const char* name : {"sine440_opus.webm", "stereo_vorbis.webm", "sine440_aac.m4a"}) {
    std::string bytes = Fixture(name);
    // Keep the magic so the file reaches ffmpeg, then wreck the header boxes/elements.
    for (std::size_t i = 12; i < 400 && i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xFF);
    ExpectError(Decode(bytes), ErrorCode::kInvalidArgument, name);
  }
}

// Found by libFuzzer: a 1.4 KB M4A whose tables made the demuxer ask for
// 1.2 GB in one allocation. Now refused by the allocation cap.
TEST(AudioFfmpegDecode, HugeDeclaredTablesAreInvalid) {
  ExpectError(Decode(Fixture("fuzz_m4a_huge_alloc.m4a")), ErrorCode::kResourceExhausted,
              "fuzz_m4a_huge_alloc.m4a");
}

TEST(AudioFfmpegDecode, UnsupportedCodecNamesIt) {
  auto r = Decode(Fixture("pcm_in.mkv"));
  ExpectError(r, ErrorCode::kInvalidArgument, "pcm in mkv");
  EXPECT_NE(r.error().message.find("pcm_s16le"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("Opus"), std::string::npos) << r.error().message;
}

TEST(AudioFfmpegDecode, LimitsApply) {
  DecodeOptions short_limit;
  short_limit.max_seconds = 0.5;
  for (const char* name : {"sine440_opus.webm", "live_opus.webm", "sine440_aac.m4a"}) {
    ExpectError(Decode(Fixture(name), short_limit), ErrorCode::kResourceExhausted, name);
  }
  DecodeOptions mono_only;
  mono_only.max_channels = 1;
  ExpectError(Decode(Fixture("stereo_vorbis.webm"), mono_only), ErrorCode::kInvalidArgument,
              "2 channels");
  DecodeOptions low_rates;
  low_rates.max_sample_rate = 44100;
  ExpectError(Decode(Fixture("sine440_opus.webm"), low_rates), ErrorCode::kInvalidArgument,
              "48 kHz");
  DecodeOptions high_rates;
  high_rates.min_sample_rate = 22050;
  ExpectError(Decode(Fixture("sine440_aac.m4a"), high_rates), ErrorCode::kInvalidArgument,
              "16 kHz");
  DecodeOptions few_bytes;
  few_bytes.max_bytes = 1000;
  ExpectError(Decode(Fixture("sine440_aac.m4a"), few_bytes), ErrorCode::kResourceExhausted,
              "bytes");
}

TEST(AudioFfmpegDecode, ConcurrentDecodesAgree) {
  const std::string webm = Fixture("sine440_opus.webm");
  const std::string m4a = Fixture("sine440_aac.m4a");
  const auto expected_webm = Decode(webm);
  const auto expected_m4a = Decode(m4a);
  ASSERT_TRUE(expected_webm && expected_m4a);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto a = Decode(webm);
        auto b = Decode(m4a);
        if (!a || a->samples != expected_webm->samples) ++mismatches[t];
        if (!b || b->samples != expected_m4a->samples) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace vox::audio
