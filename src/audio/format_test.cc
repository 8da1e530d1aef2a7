#include "audio/format.h"

#include <gtest/gtest.h>

#include "audio/encode_options.h"

namespace vox::audio {
namespace {

TEST(AudioFormat, ParsesEveryNameAndAlias) {
  struct Case {
    const char* text;
    Format format;
  } cases[] = {{"wav", Format::kWav},  {"mp3", Format::kMp3},   {"opus", Format::kOpus},
               {"ogg", Format::kOpus}, {"flac", Format::kFlac}, {"pcm", Format::kPcm},
               {"raw", Format::kPcm},  {"WAV", Format::kWav},   {"Opus", Format::kOpus}};
  for (const Case& c : cases) {
    auto parsed = ParseFormat(c.text);
    ASSERT_TRUE(parsed) << c.text;
    EXPECT_EQ(*parsed, c.format) << c.text;
  }
}

TEST(AudioFormat, RejectsUnknownNamingFieldAndChoices) {
  for (const char* text : {"", "m4a", "wave", " wav", "aac"}) {
    auto parsed = ParseFormat(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.error().field, "format");
    EXPECT_NE(parsed.error().message.find("wav, mp3, opus, flac, pcm"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(AudioFormat, NamesRoundTripThroughParse) {
  for (Format f : {Format::kWav, Format::kMp3, Format::kOpus, Format::kFlac, Format::kPcm}) {
    auto parsed = ParseFormat(FormatName(f));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, f);
  }
}

TEST(AudioFormat, ContentTypesAndExtensions) {
  EXPECT_EQ(ContentType(Format::kWav, 22050), "audio/wav");
  EXPECT_EQ(ContentType(Format::kMp3, 22050), "audio/mpeg");
  EXPECT_EQ(ContentType(Format::kOpus, 48000), "audio/ogg");
  EXPECT_EQ(ContentType(Format::kFlac, 16000), "audio/flac");
  EXPECT_EQ(ContentType(Format::kPcm, 16000), "audio/L16;rate=16000");
  EXPECT_STREQ(FileExtension(Format::kWav), "wav");
  EXPECT_STREQ(FileExtension(Format::kOpus), "opus");
  EXPECT_STREQ(FileExtension(Format::kPcm), "pcm");
  EXPECT_TRUE(IsLossless(Format::kFlac));
  EXPECT_FALSE(IsLossless(Format::kMp3));
}

TEST(AudioFormat, NearestCodecRateRoundsUpToKeepBandwidth) {
  EXPECT_EQ(NearestCodecSampleRate(Format::kOpus, 22050), 24000);
  EXPECT_EQ(NearestCodecSampleRate(Format::kOpus, 44100), 48000);
  EXPECT_EQ(NearestCodecSampleRate(Format::kOpus, 11025), 12000);
  EXPECT_EQ(NearestCodecSampleRate(Format::kOpus, 16000), 16000);
  EXPECT_EQ(NearestCodecSampleRate(Format::kOpus, 96000), 48000);
  EXPECT_EQ(NearestCodecSampleRate(Format::kMp3, 44100), 44100);
  EXPECT_EQ(NearestCodecSampleRate(Format::kMp3, 30000), 32000);
  EXPECT_EQ(NearestCodecSampleRate(Format::kWav, 30000), 30000);
}

TEST(AudioEncodeOptions, ValidateNamesTheField) {
  EncodeOptions o;
  EXPECT_TRUE(o.Validate());

  o.sample_rate = 7999;
  ASSERT_FALSE(o.Validate());
  EXPECT_EQ(o.Validate().error().field, "sample_rate");
  EXPECT_NE(o.Validate().error().message.find("8000, 16000, 22050, 24000, 44100, 48000"),
            std::string::npos);

  o = {};
  o.format = Format::kOpus;
  o.sample_rate = 22050;  // explicit but not an Opus rate
  ASSERT_FALSE(o.Validate());
  EXPECT_EQ(o.Validate().error().field, "sample_rate");
  EXPECT_NE(o.Validate().error().message.find("8000, 12000, 16000, 24000, 48000"),
            std::string::npos);

  o = {};
  o.bitrate_kbps = 128;  // wav has no bitrate
  ASSERT_FALSE(o.Validate());
  EXPECT_EQ(o.Validate().error().field, "bitrate");
  o.format = Format::kMp3;
  EXPECT_TRUE(o.Validate());
  o.bitrate_kbps = 400;
  EXPECT_EQ(o.Validate().error().field, "bitrate");

  o = {};
  o.target_lufs = -100;
  EXPECT_EQ(o.Validate().error().field, "target_lufs");
  o.target_lufs = -16;
  o.peak_limit_dbfs = 3;
  EXPECT_EQ(o.Validate().error().field, "peak_limit_dbfs");
}

TEST(AudioEncodeOptions, OutputRateFollowsInputWithinCodecLimits) {
  EncodeOptions o;
  EXPECT_EQ(*OutputSampleRate(o, 22050), 22050);
  EXPECT_EQ(*OutputSampleRate(o, 96000), 48000);  // above the output range
  EXPECT_EQ(*OutputSampleRate(o, 6000), 8000);
  o.format = Format::kOpus;
  EXPECT_EQ(*OutputSampleRate(o, 22050), 24000);
  o.sample_rate = 16000;
  EXPECT_EQ(*OutputSampleRate(o, 22050), 16000);
  o = {};
  o.format = Format::kMp3;
  EXPECT_EQ(*OutputSampleRate(o, 22050), 22050);
}

TEST(AudioEncodeOptions, BitrateDefaultsAndClampsPerMpegVersion) {
  EncodeOptions o;
  o.format = Format::kMp3;
  EXPECT_EQ(EffectiveBitrateKbps(o, 44100, 1), 128);
  EXPECT_EQ(EffectiveBitrateKbps(o, 22050, 1), 64);
  EXPECT_EQ(EffectiveBitrateKbps(o, 8000, 1), 32);
  o.bitrate_kbps = 320;
  EXPECT_EQ(EffectiveBitrateKbps(o, 48000, 1), 320);
  EXPECT_EQ(EffectiveBitrateKbps(o, 24000, 1), 160);
  EXPECT_EQ(EffectiveBitrateKbps(o, 8000, 1), 64);
  o.format = Format::kOpus;
  o.bitrate_kbps = 0;
  EXPECT_EQ(EffectiveBitrateKbps(o, 48000, 1), 32);
  EXPECT_EQ(EffectiveBitrateKbps(o, 48000, 2), 64);
  o.bitrate_kbps = 500;
  EXPECT_EQ(EffectiveBitrateKbps(o, 48000, 1), 256);
}

}  // namespace
}  // namespace vox::audio
