// DecodeUploads on real speech and on decompression bombs: each file gives
// the same audio as decoding it whole and converting it afterwards (the path
// before uploads were decoded as a stream), the files of a field share one
// budget of decoded seconds, and every limit is a 422 on the field.
#include "cloning/upload_decoder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/encode.h"
#include "audio/resampler.h"
#include "audio/testing/test_bombs.h"
#include "audio/testing/test_signals.h"
#include "voice/preprocess.h"
#include "voice/testing/test_corpus.h"

namespace vox::cloning {
namespace {

namespace fs = std::filesystem;
using audio::testing::Bomb;
using audio::testing::MakeBomb;

// `wav` re-encoded by the ffmpeg CLI with `args` into a file named `name`.
std::string Convert(const std::string& wav, const std::string& args, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("vox-upload-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path in = dir / "in.wav", out = dir / name;
  std::ofstream(in, std::ios::binary) << wav;
  const std::string cmd =
      "ffmpeg -v error -y -i " + in.string() + " " + args + " " + out.string() + " 2>/dev/null";
  std::string bytes;
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream f(out, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  fs::remove_all(dir);
  return bytes;
}

class UploadDecoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!audio::testing::HaveFfmpeg()) return;
    const auto& sentences = voice::testing::EvaluationSentences();
    auto speech = voice::testing::SynthesizeAll(voice::testing::SpeakerById("flite-slt"),
                                                {sentences.begin(), sentences.begin() + 4},
                                                voice::testing::DefaultCacheDir());
    ASSERT_TRUE(speech) << speech.error().ToString();
    auto wav = audio::Encode(*speech, audio::EncodeOptions{});
    ASSERT_TRUE(wav);
    // What people upload: lossless at CD rate in stereo, a browser's WebM,
    // a phone's M4A, an MP3 and an Ogg/Vorbis at other rates.
    uploads_ = new std::vector<std::pair<std::string, std::string>>{
        {"speech.wav", *wav},
        {"speech.flac", Convert(*wav, "-ar 44100 -ac 2 -c:a flac", "speech.flac")},
        {"speech.webm", Convert(*wav, "-ar 48000 -c:a libopus -b:a 48k", "speech.webm")},
        {"speech.m4a", Convert(*wav, "-ar 44100 -ac 2 -c:a aac -b:a 96k", "speech.m4a")},
        {"speech.mp3", Convert(*wav, "-ar 22050 -c:a libmp3lame -b:a 64k", "speech.mp3")},
        {"speech.ogg", Convert(*wav, "-ar 32000 -c:a libvorbis", "speech.ogg")},
    };
  }
  void SetUp() override {
    if (!audio::testing::HaveFfmpeg()) GTEST_SKIP() << "needs the ffmpeg CLI";
    for (const auto& [name, bytes] : *uploads_) ASSERT_FALSE(bytes.empty()) << name;
  }
  std::vector<UploadedAudio> Files() const {
    std::vector<UploadedAudio> files;
    for (const auto& [name, bytes] : *uploads_) files.push_back({name, bytes});
    return files;
  }
  static inline std::vector<std::pair<std::string, std::string>>* uploads_ = nullptr;
};

TEST_F(UploadDecoderTest, MultiFileUploadDecodesToTheSameAudioAsTheWholeFilePath) {
  auto streamed = DecodeUploads(Files(), "files", UploadLimits{});
  ASSERT_TRUE(streamed) << streamed.error().ToString();
  ASSERT_EQ(streamed->size(), uploads_->size());
  std::vector<audio::PcmBuffer> whole;  // what DecodeAll handed to preprocessing before
  for (std::size_t i = 0; i < uploads_->size(); ++i) {
    const auto& [name, bytes] = (*uploads_)[i];
    auto native = audio::Decode(bytes);
    ASSERT_TRUE(native) << name;
    auto converted = audio::Resample(audio::ToMono(*native), voice::PreprocessOptions::kSampleRate);
    ASSERT_TRUE(converted);
    const audio::PcmBuffer& got = (*streamed)[i];
    EXPECT_EQ(got.channels, 1) << name;
    EXPECT_EQ(got.sample_rate, voice::PreprocessOptions::kSampleRate) << name;
    ASSERT_EQ(got.samples.size(), converted->samples.size()) << name;
    float max_diff = 0;
    for (std::size_t k = 0; k < got.samples.size(); ++k) {
      max_diff = std::max(max_diff, std::abs(got.samples[k] - converted->samples[k]));
    }
    EXPECT_EQ(max_diff, 0.0f) << name;  // speech this quiet never needs the clamp
    whole.push_back(std::move(*native));
  }
  // And preprocessing makes the same sample of it.
  auto before = voice::PreprocessVoiceSample(whole);
  auto after = voice::PreprocessVoiceSample(*streamed);
  ASSERT_TRUE(before) << before.error().ToString();
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_EQ(after->audio.samples, before->audio.samples);
  EXPECT_EQ(after->stats.speech_seconds, before->stats.speech_seconds);
  EXPECT_EQ(after->stats.clipping_fraction, before->stats.clipping_fraction);
  EXPECT_NEAR(after->stats.input_seconds, before->stats.input_seconds, 1e-3);
}

// Clipping used to be counted on the file's own samples; uploads now reach
// preprocessing as 16 kHz mono. Hard-clipped speech at 44.1 kHz stereo must
// still be refused, at about the same measured fraction.
TEST_F(UploadDecoderTest, ClippedRecordingsAreStillRefused) {
  const std::string clipped = Convert(uploads_->front().second,
                                      "-af volume=12dB -ar 44100 -ac 2 -c:a pcm_s16le", "hot.wav");
  ASSERT_FALSE(clipped.empty());
  UploadedAudio file{"hot.wav", clipped};
  auto streamed = DecodeUploads({&file, 1}, "files", UploadLimits{});
  ASSERT_TRUE(streamed) << streamed.error().ToString();
  auto whole = audio::Decode(clipped);
  ASSERT_TRUE(whole);
  voice::PreprocessOptions lenient;  // to read the measurement instead of the refusal
  lenient.max_clipping_fraction = 1.0;
  lenient.min_speech_seconds = 1.0;
  auto before = voice::PreprocessVoiceSample({&*whole, 1}, lenient);
  auto after = voice::PreprocessVoiceSample(*streamed, lenient);
  ASSERT_TRUE(before && after);
  std::printf("clipping fraction: %.4f whole-file path, %.4f upload path\n",
              before->stats.clipping_fraction, after->stats.clipping_fraction);
  EXPECT_GT(after->stats.clipping_fraction, 0.5 * before->stats.clipping_fraction);
  EXPECT_LT(after->stats.clipping_fraction, 2.0 * before->stats.clipping_fraction);
  voice::PreprocessOptions strict;
  strict.min_speech_seconds = 1.0;
  auto refused = voice::PreprocessVoiceSample(*streamed, strict);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("clipped"), std::string::npos) << refused.error().message;
}

TEST_F(UploadDecoderTest, OneBudgetCoversEveryFileOfTheField) {
  // Speech, then 60 s of 8-channel Opus, then a FLAC that states no length.
  const std::string webm = MakeBomb({"webm", 48000, 8, 60, /*unsized=*/true});
  const std::string flac = MakeBomb({"flac", 192000, 8, 60, /*unsized=*/true});
  ASSERT_FALSE(webm.empty() || flac.empty());
  std::vector<UploadedAudio> files = {Files()[0], {"b.webm", webm}, {"c.flac", flac}};
  UploadLimits limits;
  limits.max_seconds = 100;
  auto r = DecodeUploads(files, "files", limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(r.error().field, "files");
  EXPECT_EQ(r.error().message,
            "files[2] (c.flac): the recordings in files hold more than the limit of 100 s of "
            "audio; decoding stopped there");
  // Each file alone is within the limit.
  for (const auto& file : files) EXPECT_TRUE(DecodeUploads({&file, 1}, "files", limits));
}

TEST_F(UploadDecoderTest, ChannelsAndRatesAreBoundedFromTheHeader) {
  auto wav = [](std::uint32_t rate, std::uint16_t channels) {
    return audio::testing::WavHeader(rate, channels, 16, 4u * channels) +
           std::string(4u * channels, '\0');
  };
  const std::string twelve = wav(16000, 12), fast = wav(384000, 1);
  struct Case {
    std::string bytes;
    std::string message;
  } cases[] = {
      {twelve, "consent_audio[0] (x): wav audio has 12 channels; at most 8 are accepted"},
      {fast, "consent_audio[0] (x): wav audio sample rate 384000 Hz is outside 4000..192000 Hz"},
  };
  for (const Case& c : cases) {
    UploadedAudio file{"x", c.bytes};
    auto r = DecodeUploads({&file, 1}, "consent_audio", UploadLimits{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
    EXPECT_EQ(r.error().field, "consent_audio");
    EXPECT_EQ(r.error().message, c.message);
  }
  UploadLimits stereo_only;
  stereo_only.max_channels = 2;
  const std::string surround = MakeBomb({"m4a", 48000, 6, 1});
  UploadedAudio file{"s.m4a", surround};
  auto r = DecodeUploads({&file, 1}, "files", stereo_only);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("6 channels; at most 2"), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace vox::cloning
