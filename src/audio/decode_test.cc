// Decoding untrusted bytes: hostile headers, truncation and junk must give
// clear errors (never crashes), and the other containers libsndfile reads work.
#include "audio/decode.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "audio/dsp.h"
#include "audio/encode.h"
#include "audio/testing/test_signals.h"

namespace vox::audio {
namespace {

using testing::WavHeader;

std::string EncodeOrDie(const PcmBuffer& pcm, Format format) {
  EncodeOptions options;
  options.format = format;
  auto bytes = Encode(pcm, options);
  EXPECT_TRUE(bytes) << bytes.error().ToString();
  return bytes ? *bytes : std::string();
}

void ExpectInvalid(const Result<PcmBuffer>& r, const std::string& what) {
  ASSERT_FALSE(r) << what;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << what << ": " << r.error().ToString();
  EXPECT_EQ(r.error().field, "audio") << what;
  EXPECT_FALSE(r.error().message.empty());
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("vox_audio_decode_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// Ogg/Vorbis bytes from libsndfile's encoder (Vox itself never encodes Vorbis).
std::string VorbisBytes(const PcmBuffer& pcm, const std::string& name) {
  const std::string path = TempPath(name);
  SF_INFO info{};
  info.samplerate = pcm.sample_rate;
  info.channels = pcm.channels;
  info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr) return {};
  sf_writef_float(f, pcm.samples.data(), static_cast<sf_count_t>(pcm.frames()));
  sf_close(f);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove(path);
  return bytes;
}

TEST(AudioDecode, EmptyInput) { ExpectInvalid(Decode(""), "empty"); }

TEST(AudioDecode, RandomBytes) {
  std::mt19937 rng(42);
  for (int i = 0; i < 50; ++i) {
    std::string junk(1 + rng() % 4096, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    junk[0] = 'x';  // sniffing must refuse it before any parser runs
    ExpectInvalid(Decode(junk), "random");
  }
}

TEST(AudioDecode, UnsupportedContainerSaysWhatIsAccepted) {
  std::string amr("#!AMR\n");  // AMR-NB storage format, which no decoder here reads
  amr.resize(256, '\0');
  auto r = Decode(amr);
  ExpectInvalid(r, "amr");
  EXPECT_NE(r.error().message.find("FLAC"), std::string::npos);
  EXPECT_NE(r.error().message.find("WebM"), std::string::npos);
  EXPECT_NE(r.error().message.find("M4A"), std::string::npos);
}

TEST(AudioDecode, TruncatedWavHeader) {
  const std::string wav = EncodeOrDie(Sine(16000, 440, 0.1, 0.5), Format::kWav);
  for (std::size_t cut : {4u, 12u, 20u, 36u, 43u}) {
    ExpectInvalid(Decode(std::string_view(wav).substr(0, cut)), "cut " + std::to_string(cut));
  }
}

TEST(AudioDecode, AbsurdWavHeaders) {
  const std::string payload(3200, '\0');
  ExpectInvalid(Decode(WavHeader(10'000'000, 1, 16, 3200) + payload), "10 MHz");
  ExpectInvalid(Decode(WavHeader(1, 1, 16, 3200) + payload), "1 Hz");
  ExpectInvalid(Decode(WavHeader(16000, 64, 16, 3200) + payload), "64 channels");
  ExpectInvalid(Decode(WavHeader(16000, 0, 16, 3200) + payload), "0 channels");
  ExpectInvalid(Decode(WavHeader(16000, 1, 0, 3200) + payload), "0 bits");
}

TEST(AudioDecode, HugeClaimedDataLengthDecodesOnlyWhatIsThere) {
  // The header claims 4 GB; 0.2 s are present. libsndfile clamps the length
  // to the bytes present, and nothing is reserved from the claim.
  std::string wav = WavHeader(16000, 1, 16, 0xFFFFFFF0u) + std::string(6400, '\0');
  auto r = Decode(wav);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->frames(), 3200u);
}

TEST(AudioDecode, LongerThanLimitIsResourceExhausted) {
  const std::string wav = EncodeOrDie(Silence(8000, 3.0), Format::kWav);
  DecodeOptions options;
  options.max_seconds = 2.0;
  auto r = Decode(wav, options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(r.error().field, "audio");

  options = {};
  options.max_bytes = wav.size() - 1;
  EXPECT_EQ(Decode(wav, options).error().code, ErrorCode::kResourceExhausted);
}

TEST(AudioDecode, FlacClaimingHugeLengthFailsBeforeDecoding) {
  std::string flac = EncodeOrDie(Sine(16000, 440, 0.5, 0.5), Format::kFlac);
  // STREAMINFO starts at byte 8 (after "fLaC" and the block header); its
  // 36-bit total-samples field is the low 4 bits of byte 21 and bytes 22..25.
  ASSERT_GE(flac.size(), 26u);
  flac[21] = static_cast<char>((flac[21] & 0xF0) | 0x0F);
  for (int i = 22; i <= 25; ++i) flac[i] = static_cast<char>(0xFF);
  auto r = Decode(flac);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted) << r.error().ToString();
}

TEST(AudioDecode, TruncatedFlacIsAnError) {
  const std::string flac = EncodeOrDie(Sine(16000, 440, 2.0, 0.5), Format::kFlac);
  ExpectInvalid(Decode(std::string_view(flac).substr(0, flac.size() / 2)), "half flac");
  ExpectInvalid(Decode(std::string_view(flac).substr(0, 30)), "flac header only");
}

TEST(AudioDecode, TruncatedLossyFilesNeverCrash) {
  for (Format f : {Format::kMp3, Format::kOpus}) {
    const std::string bytes = EncodeOrDie(Sine(16000, 440, 1.0, 0.5), f);
    for (std::size_t cut : {1u, 3u, 10u, 27u, 100u, 500u}) {
      if (cut >= bytes.size()) continue;
      auto r = Decode(std::string_view(bytes).substr(0, cut));
      if (r) {
        EXPECT_LT(r->duration_s(), 1.0);
      }
    }
    auto half = Decode(std::string_view(bytes).substr(0, bytes.size() / 2));
    if (half) {
      EXPECT_LT(half->duration_s(), 0.9) << FormatName(f);
    }
  }
}

TEST(AudioDecode, FloatWavNonFiniteSamplesBecomeSilence) {
  const std::string path = TempPath("float.wav");
  SF_INFO info{};
  info.samplerate = 16000;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  const float samples[] = {0.5f, std::numeric_limits<float>::quiet_NaN(),
                           std::numeric_limits<float>::infinity(), 3.0f, -0.25f};
  ASSERT_EQ(sf_writef_float(f, samples, 5), 5);
  sf_close(f);
  auto r = DecodeFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->samples.size(), 5u);
  EXPECT_FLOAT_EQ(r->samples[0], 0.5f);
  EXPECT_FLOAT_EQ(r->samples[1], 0.0f);
  EXPECT_FLOAT_EQ(r->samples[2], 0.0f);
  EXPECT_FLOAT_EQ(r->samples[3], 1.0f);
  EXPECT_FLOAT_EQ(r->samples[4], -0.25f);
}

TEST(AudioDecode, ReadsVorbisAndAiff) {
  const PcmBuffer tone = Sine(22050, 600.0, 1.0, 0.5);
  struct {
    const char* name;
    int format;
  } cases[] = {{"v.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
               {"a.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16}};
  for (const auto& c : cases) {
    const std::string path = TempPath(c.name);
    SF_INFO info{};
    info.samplerate = 22050;
    info.channels = 1;
    info.format = c.format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
    sf_writef_float(f, tone.samples.data(), static_cast<sf_count_t>(tone.frames()));
    sf_close(f);
    auto r = DecodeFile(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(r) << c.name << ": " << r.error().ToString();
    EXPECT_EQ(r->sample_rate, 22050);
    EXPECT_NEAR(r->duration_s(), 1.0, 0.03);
    EXPECT_NEAR(testing::ZeroCrossingHz(*r), 600.0, 3.0);
  }
}

// Regression (found by fuzz_decode): an Ogg page with a bad CRC is skipped by
// libogg, so the codec must be judged from the first *valid* page. A fake
// OpusHead page in front of a Vorbis stream once sent the Vorbis stream to
// libsndfile, which leaks on malformed Vorbis (caught by the ASan build).
TEST(AudioDecode, OggCodecComesFromFirstValidPage) {
  const std::string vorbis = VorbisBytes(Sine(16000, 500.0, 0.5, 0.5), "first_valid.ogg");
  ASSERT_FALSE(vorbis.empty());

  std::string fake("OggS\0\x02", 6);
  fake += std::string(8, '\0') + "SERLSEQ#BAD!";  // granule, serial, sequence, wrong CRC
  fake += std::string("\x01\x13", 2) + "OpusHead" +
          std::string("\x01\x01\x38\x01\x80\x3E\0\0\0\0\0", 11);
  auto r = Decode(fake + vorbis);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_NEAR(r->duration_s(), 0.5, 0.03);
  EXPECT_NEAR(testing::ZeroCrossingHz(*r), 500.0, 3.0);

  // Malformed Vorbis behind the fake page: must fail cleanly (and, under
  // LeakSanitizer, without the libsndfile leak).
  ExpectInvalid(Decode(fake + vorbis.substr(0, 120)), "fake opus + broken vorbis");
  ExpectInvalid(Decode(fake), "only a corrupt page");
}

TEST(AudioDecode, ChainedVorbis) {
  // Chained Ogg streams (concatenated files) are legal; same format decodes
  // as one, a format change at the link is refused before any sample is read
  // with the wrong channel count.
  const std::string a = VorbisBytes(Sine(16000, 500.0, 0.5, 0.5), "chain_a.ogg");
  const std::string b = VorbisBytes(Sine(16000, 700.0, 0.5, 0.5), "chain_b.ogg");
  PcmBuffer stereo{16000, 2, {}};
  for (float s : Sine(16000, 300.0, 0.5, 0.5).samples) {
    stereo.samples.push_back(s);
    stereo.samples.push_back(s);
  }
  const std::string c = VorbisBytes(stereo, "chain_c.ogg");
  ASSERT_FALSE(a.empty() || b.empty() || c.empty());
  auto same = Decode(a + b);
  ASSERT_TRUE(same) << same.error().ToString();
  EXPECT_NEAR(same->duration_s(), 1.0, 0.05);
  ExpectInvalid(Decode(a + c), "mono then stereo");
}

TEST(AudioDecode, MixToMono) {
  PcmBuffer st{16000, 2, {}};
  for (int i = 0; i < 1600; ++i) {
    st.samples.push_back(0.5f);
    st.samples.push_back(-0.25f);
  }
  const std::string wav = EncodeOrDie(st, Format::kWav);
  DecodeOptions options;
  options.mix_to_mono = true;
  auto r = Decode(wav, options);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->channels, 1);
  ASSERT_EQ(r->frames(), 1600u);
  EXPECT_FLOAT_EQ(r->samples[10], 0.125f);
}

TEST(AudioDecode, ZeroSamplesIsAnError) {
  ExpectInvalid(Decode(EncodeOrDie(Silence(16000, 0.0), Format::kWav)), "no samples");
}

TEST(AudioDecodeFile, MissingAndOversizedFiles) {
  auto missing = DecodeFile("/nonexistent/dir/x.wav");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  const std::string path = TempPath("big.wav");
  {
    std::ofstream out(path, std::ios::binary);
    out << EncodeOrDie(Silence(8000, 1.0), Format::kWav);
  }
  DecodeOptions options;
  options.max_bytes = 1000;
  auto big = DecodeFile(path, options);
  std::filesystem::remove(path);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::kResourceExhausted);
}

TEST(AudioDecodeRaw, ValidatesAndDecodesLittleEndian) {
  const std::string bytes("\x00\x40\x00\xC0\xFF\x7F", 6);  // 16384, -16384, 32767
  auto r = DecodeRawPcm(bytes, 16000);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->samples.size(), 3u);
  EXPECT_FLOAT_EQ(r->samples[0], 0.5f);
  EXPECT_FLOAT_EQ(r->samples[1], -0.5f);
  EXPECT_FLOAT_EQ(r->samples[2], 32767.0f / 32768.0f);
  EXPECT_FALSE(DecodeRawPcm(std::string(5, '\0'), 16000));
  EXPECT_EQ(DecodeRawPcm(bytes, 1).error().field, "sample_rate");
  EXPECT_EQ(DecodeRawPcm(bytes, 16000, 0).error().field, "channels");
  EXPECT_FALSE(DecodeRawPcm("", 16000));
}

TEST(AudioSniff, RecognizesContainers) {
  EXPECT_EQ(SniffContainer(WavHeader(16000, 1, 16, 0)), "wav");
  EXPECT_EQ(SniffContainer("fLaC...."), "flac");
  EXPECT_EQ(SniffContainer("OggS...."), "ogg");
  EXPECT_EQ(SniffContainer("ID3\x04...."), "mp3");
  EXPECT_EQ(SniffContainer(std::string("\xFF\xFB\x90\x64", 4)), "mp3");
  EXPECT_EQ(SniffContainer(std::string("\xFF\xFF\xFF\xFF", 4)), "");  // bad bitrate index
  EXPECT_EQ(SniffContainer("RIFF\0\0\0\0AVI "), "");
  EXPECT_EQ(SniffContainer(""), "");
}

}  // namespace
}  // namespace vox::audio
