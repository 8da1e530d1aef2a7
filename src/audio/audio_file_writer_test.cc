#include "audio/audio_file_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/encode.h"
#include "audio/loudness.h"
#include "audio/testing/test_signals.h"

namespace vox::audio {
namespace {

namespace fs = std::filesystem;

class AudioFileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vox_audio_writer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::size_t FileCount() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Writes `pcm` in uneven chunks, like sentences arriving from an engine.
  static Status WriteChunked(AudioFileWriter& writer, const PcmBuffer& pcm) {
    const std::size_t sizes[] = {1, 333, 4096, 17, 10000, 2500};
    std::size_t pos = 0;
    for (int i = 0; pos < pcm.samples.size(); ++i) {
      const std::size_t n = std::min(sizes[i % 6] * pcm.channels, pcm.samples.size() - pos);
      PcmBuffer chunk{pcm.sample_rate, pcm.channels,
                      std::vector<float>(pcm.samples.begin() + pos, pcm.samples.begin() + pos + n)};
      VOX_RETURN_IF_ERROR(writer.Write(chunk));
      pos += n;
    }
    return {};
  }

  fs::path dir_;
};

PcmBuffer Speechish(int rate, double seconds) {
  PcmBuffer p = Sine(rate, 220.0, seconds, 0.05);
  const PcmBuffer h = Sine(rate, 1330.0, seconds, 0.02);
  for (std::size_t i = 0; i < p.samples.size(); ++i) p.samples[i] += h.samples[i];
  return p;
}

TEST_F(AudioFileWriterTest, StreamingEqualsOneShot) {
  struct Case {
    Format format;
    int out_rate;
    bool normalize;
  } cases[] = {
      {Format::kWav, 0, false},     {Format::kFlac, 0, false},     {Format::kPcm, 0, false},
      {Format::kWav, 16000, false}, {Format::kFlac, 48000, false}, {Format::kWav, 0, true},
      {Format::kFlac, 16000, true}, {Format::kMp3, 0, false},      {Format::kOpus, 0, true},
  };
  const PcmBuffer pcm = Speechish(22050, 3.0);
  for (const Case& c : cases) {
    EncodeOptions options;
    options.format = c.format;
    options.sample_rate = c.out_rate;
    if (c.normalize) options.target_lufs = -16.0;
    const std::string label = options.ToString();
    auto expected = Encode(pcm, options);
    ASSERT_TRUE(expected) << label;

    const std::string path = Path(std::string("out.") + FileExtension(c.format));
    auto writer = AudioFileWriter::Open(path, options, 22050);
    ASSERT_TRUE(writer) << label << ": " << writer.error().ToString();
    ASSERT_TRUE(WriteChunked(**writer, pcm)) << label;
    EXPECT_FALSE(fs::exists(path)) << "visible before Finish: " << label;
    ASSERT_TRUE((*writer)->Finish()) << label;
    EXPECT_EQ((*writer)->applied_gain_db().has_value(), c.normalize);
    if (c.format == Format::kOpus) {
      // Ogg streams carry a random serial number, so compare what decodes.
      auto a = Decode(Slurp(path));
      auto b = Decode(*expected);
      ASSERT_TRUE(a && b) << label;
      EXPECT_EQ(a->samples, b->samples) << label;
    } else {
      EXPECT_EQ(Slurp(path), *expected) << label;
    }
    EXPECT_EQ(FileCount(), 1u) << "temporary files left behind: " << label;
    fs::remove(path);
  }
}

TEST_F(AudioFileWriterTest, NormalizesLongOutputToTarget) {
  EncodeOptions options;
  options.format = Format::kFlac;
  options.target_lufs = -16.0;
  const std::string path = Path("n.flac");
  auto writer = AudioFileWriter::Open(path, options, 24000);
  ASSERT_TRUE(writer);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*writer)->Write(Speechish(24000, 0.5)));
  ASSERT_TRUE((*writer)->Finish());
  auto decoded = DecodeFile(path);
  ASSERT_TRUE(decoded);
  EXPECT_NEAR(decoded->duration_s(), 10.0, 1e-3);
  EXPECT_NEAR(*MeasureLufs(*decoded), -16.0, 0.5);
  EXPECT_GT(*(*writer)->applied_gain_db(), 0.0);
}

TEST_F(AudioFileWriterTest, AbandonedWriterLeavesNothingAndKeepsOldFile) {
  const std::string path = Path("keep.wav");
  { std::ofstream(path) << "old"; }
  {
    EncodeOptions options;
    options.target_lufs = -16.0;  // exercises the spool file as well
    auto writer = AudioFileWriter::Open(path, options, 16000);
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->Write(Sine(16000, 440, 1.0, 0.3)));
    EXPECT_EQ(FileCount(), 3u);  // target + output temp + spool
  }                              // destroyed without Finish
  EXPECT_EQ(Slurp(path), "old");
  EXPECT_EQ(FileCount(), 1u);
}

TEST_F(AudioFileWriterTest, FinishReplacesExistingFile) {
  const std::string path = Path("replace.wav");
  { std::ofstream(path) << "old"; }
  auto writer = AudioFileWriter::Open(path, {}, 16000);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->Write(Sine(16000, 440, 0.5, 0.3)));
  ASSERT_TRUE((*writer)->Finish());
  auto decoded = DecodeFile(path);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->frames(), 8000u);
  EXPECT_EQ((*writer)->output_frames(), 8000u);
  EXPECT_EQ((*writer)->Finish().error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(AudioFileWriterTest, ErrorFailsTheWriterAndRemovesItsFiles) {
  const std::string path = Path("bad.mp3");
  EncodeOptions options;
  options.format = Format::kMp3;
  auto writer = AudioFileWriter::Open(path, options, 16000);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->Write(Sine(16000, 440, 0.5, 0.3)));
  auto bad = (*writer)->Write(Sine(22050, 440, 0.5, 0.3));  // wrong rate
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "audio");
  EXPECT_EQ(FileCount(), 0u);
  EXPECT_EQ((*writer)->Write(Sine(16000, 440, 0.5, 0.3)).error().code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Finish().error().code, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(AudioFileWriterTest, OpenFailsEarly) {
  auto missing = AudioFileWriter::Open(Path("no/such/dir/x.wav"), {}, 16000);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().field, "output");

  EncodeOptions opus;
  opus.format = Format::kOpus;
  opus.sample_rate = 22050;
  EXPECT_EQ(AudioFileWriter::Open(Path("x.opus"), opus, 22050).error().field, "sample_rate");
  EXPECT_FALSE(AudioFileWriter::Open(Path("x.wav"), {}, 0));
  EXPECT_FALSE(AudioFileWriter::Open("", {}, 16000));
  EXPECT_EQ(FileCount(), 0u);
}

TEST_F(AudioFileWriterTest, MemoryStaysBoundedForLongOutputs) {
  // 20 minutes at 16 kHz with normalization: 77 MB of float samples in
  // total, written 1 s at a time. Buffering it would show in the peak RSS.
  EncodeOptions options;
  options.format = Format::kPcm;
  options.target_lufs = -16.0;
  const std::string path = Path("long.pcm");
  const PcmBuffer second = Speechish(16000, 1.0);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  auto writer = AudioFileWriter::Open(path, options, 16000);
  ASSERT_TRUE(writer);
  for (int i = 0; i < 1200; ++i) ASSERT_TRUE((*writer)->Write(second));
  ASSERT_TRUE((*writer)->Finish());
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  EXPECT_EQ(fs::file_size(path), 1200u * 16000u * 2u);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 8 * 1024) << "KiB of peak RSS growth";
}

TEST_F(AudioFileWriterTest, WritesToStdout) {
  const std::string path = Path("stdout.wav");
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ::dup2(fd, STDOUT_FILENO);
  ::close(fd);
  Status status;
  {
    auto writer = AudioFileWriter::Open("-", {}, 16000);
    status = writer ? (*writer)->Write(Sine(16000, 440, 0.5, 0.3))
                    : Status(std::unexpected(writer.error()));
    if (status) status = (*writer)->Finish();
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ASSERT_TRUE(status) << status.error().ToString();
  auto decoded = DecodeFile(path);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(decoded->frames(), 8000u);
}

}  // namespace
}  // namespace vox::audio
