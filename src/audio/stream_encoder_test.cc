// StreamEncoder: every format yields bytes before the end, and the whole stream decodes
// (with the ffmpeg CLI, an independent decoder) to the audio that went in.
#include "audio/stream_encoder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "audio/dsp.h"
#include "audio/testing/ffmpeg_cli.h"

namespace vox::audio {
namespace {

struct Decoded {
  double seconds = 0;
  double rms = 0;
};

Decoded DecodeWithFfmpeg(const std::string& bytes, const std::string& raw_format, int raw_rate) {
  PcmBuffer pcm = testing::DecodeWithFfmpeg(bytes, raw_format, raw_rate);
  return {pcm.duration_s(), Rms(pcm)};
}

struct Case {
  StreamFormat format;
  std::string raw;  // ffmpeg's input format for headerless output
  int input_rate;
};

class StreamEncoderFormats : public ::testing::TestWithParam<Case> {};

TEST_P(StreamEncoderFormats, BytesLeaveEarlyAndDecodeToTheInput) {
  const Case& c = GetParam();
  auto encoder = StreamEncoder::Create({c.format}, c.input_rate);
  ASSERT_TRUE(encoder) << encoder.error().ToString();
  const PcmBuffer tone = Sine(c.input_rate, 440, 2.0, 0.5);
  std::string stream;
  size_t before_finish = 0;
  const size_t block = static_cast<size_t>(c.input_rate / 10);  // 0.1 s blocks
  for (size_t at = 0; at < tone.samples.size(); at += block) {
    PcmBuffer piece{c.input_rate, 1, {}};
    piece.samples.assign(tone.samples.begin() + at,
                         tone.samples.begin() + std::min(at + block, tone.samples.size()));
    ASSERT_TRUE((*encoder)->Write(piece, stream));
  }
  before_finish = stream.size();
  ASSERT_TRUE((*encoder)->Finish(stream));
  // Most of the audio was out before the end: a stream, not a file written at the close.
  EXPECT_GT(before_finish, stream.size() / 2) << StreamFormatName(c.format);
  const int out_rate = (*encoder)->output_sample_rate();
  Decoded d = DecodeWithFfmpeg(stream, c.raw, out_rate);
  EXPECT_NEAR(d.seconds, 2.0, 0.12) << StreamFormatName(c.format);
  EXPECT_NEAR(d.rms, 0.5 / std::sqrt(2.0), 0.05) << StreamFormatName(c.format);
  EXPECT_NEAR((*encoder)->output_seconds(), 2.0, 0.02);
}

INSTANTIATE_TEST_SUITE_P(
    All, StreamEncoderFormats,
    ::testing::Values(Case{StreamFormat::kPcm, "s16le", 16000}, Case{StreamFormat::kWav, "", 16000},
                      Case{StreamFormat::kMp3, "", 16000}, Case{StreamFormat::kOpus, "", 22050},
                      Case{StreamFormat::kFlac, "", 16000}, Case{StreamFormat::kAac, "", 22050},
                      Case{StreamFormat::kUlaw, "mulaw", 16000},
                      Case{StreamFormat::kAlaw, "alaw", 16000}),
    [](const auto& info) { return std::string(StreamFormatName(info.param.format)); });

TEST(StreamEncoder, RatesAndErrors) {
  EXPECT_EQ(*StreamSampleRate({StreamFormat::kOpus}, 22050), 24000);
  EXPECT_EQ(*StreamSampleRate({StreamFormat::kMp3}, 16000), 16000);
  EXPECT_EQ(*StreamSampleRate({StreamFormat::kUlaw}, 22050), 8000);
  EXPECT_EQ(*StreamSampleRate({StreamFormat::kPcm, 24000}, 16000), 24000);
  EXPECT_EQ(StreamSampleRate({StreamFormat::kOpus, 44100}, 16000).error().field, "sample_rate");
  EXPECT_EQ(StreamSampleRate({StreamFormat::kAlaw, 16000}, 16000).error().field, "sample_rate");
  EXPECT_EQ(ParseStreamFormat("MP3").value(), StreamFormat::kMp3);
  EXPECT_EQ(ParseStreamFormat("m4a").error().field, "format");
  // The WAV header says "unknown length" and is there even for no audio.
  auto wav = StreamEncoder::Create({StreamFormat::kWav}, 16000);
  std::string bytes;
  ASSERT_TRUE((*wav)->Finish(bytes));
  ASSERT_EQ(bytes.size(), 44u);
  EXPECT_EQ(bytes.substr(4, 4), std::string(4, '\xFF'));
  EXPECT_EQ(bytes.substr(40, 4), std::string(4, '\xFF'));
  // Known G.711 code words.
  auto ulaw = StreamEncoder::Create({StreamFormat::kUlaw}, 8000);
  std::string u;
  ASSERT_TRUE((*ulaw)->Write(PcmBuffer{8000, 1, {0.0f}}, u));
  EXPECT_EQ(static_cast<uint8_t>(u[0]), 0xFF);
  auto alaw = StreamEncoder::Create({StreamFormat::kAlaw}, 8000);
  std::string a;
  ASSERT_TRUE((*alaw)->Write(PcmBuffer{8000, 1, {0.0f}}, a));
  EXPECT_EQ(static_cast<uint8_t>(a[0]), 0xD5);
}

}  // namespace
}  // namespace vox::audio
