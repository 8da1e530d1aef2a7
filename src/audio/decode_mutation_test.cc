// Throws thousands of mutated versions of valid WAV, FLAC, MP3, Ogg/Opus,
// Ogg/Vorbis, WebM (Opus, Vorbis) and M4A (AAC) files at Decode(): each must return a buffer or an
// error, never crash, hang or return an inconsistent buffer. (The libFuzzer target fuzz_decode.cc
// explores further; this runs in every test pass.)
#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "audio/decode.h"
#include "audio/dsp.h"
#include "audio/encode.h"

namespace vox::audio {
namespace {

std::string Seed(Format format) {
  EncodeOptions options;
  options.format = format;
  auto bytes = Encode(Sine(16000, 440.0, 0.25, 0.5), options);
  EXPECT_TRUE(bytes);
  return bytes ? *bytes : std::string();
}

std::string VorbisSeed() {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("vox_audio_mut_" + std::to_string(::getpid()) + ".ogg"))
                               .string();
  SF_INFO info{};
  info.samplerate = 16000;
  info.channels = 1;
  info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr) return {};
  const PcmBuffer tone = Sine(16000, 440.0, 0.25, 0.5);
  sf_writef_float(f, tone.samples.data(), static_cast<sf_count_t>(tone.frames()));
  sf_close(f);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(path);
  return ss.str();
}

// Ogg pages carry a CRC, so most raw mutations only test the CRC check.
// Recomputing the CRCs afterwards lets mutants reach the codec parsers.
std::uint32_t OggCrc(const unsigned char* p, std::size_t n) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t r = i << 24;
      for (int k = 0; k < 8; ++k) r = (r & 0x80000000u) ? (r << 1) ^ 0x04C11DB7u : r << 1;
      t[i] = r;
    }
    return t;
  }();
  std::uint32_t crc = 0;
  for (std::size_t i = 0; i < n; ++i) crc = (crc << 8) ^ table[((crc >> 24) ^ p[i]) & 0xFF];
  return crc;
}

void FixOggCrcs(std::string& s) {
  std::size_t pos = 0;
  while (pos + 27 <= s.size()) {
    if (s.compare(pos, 4, "OggS") != 0) {
      ++pos;
      continue;
    }
    const std::size_t segments = static_cast<unsigned char>(s[pos + 26]);
    const std::size_t header = 27 + segments;
    if (pos + header > s.size()) return;
    std::size_t body = 0;
    for (std::size_t i = 0; i < segments; ++i) body += static_cast<unsigned char>(s[pos + 27 + i]);
    if (pos + header + body > s.size()) return;
    for (int i = 22; i < 26; ++i) s[pos + i] = 0;
    const std::uint32_t crc =
        OggCrc(reinterpret_cast<const unsigned char*>(s.data() + pos), header + body);
    for (int i = 0; i < 4; ++i) s[pos + 22 + i] = static_cast<char>(crc >> (8 * i));
    pos += header + body;
  }
}

// One random structural mutation, biased toward the header where parsers
// make their decisions.
std::string Mutate(const std::string& seed, std::mt19937& rng) {
  std::string s = seed;
  auto pos = [&](std::size_t limit) {
    const std::size_t n = std::min(limit, s.size());
    return n == 0 ? 0 : static_cast<std::size_t>(rng() % n);
  };
  const int rounds = 1 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rounds && !s.empty(); ++r) {
    switch (rng() % 7) {
      case 0:  // flip a bit in the first 128 bytes
        s[pos(128)] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // random byte anywhere
        s[pos(s.size())] = static_cast<char>(rng());
        break;
      case 2:  // interesting integer values over a header field
      {
        static const std::uint32_t kValues[] = {0u,          1u,      0x7FFFFFFFu, 0x80000000u,
                                                0xFFFFFFFFu, 0xFFFFu, 64u,         10000000u};
        const std::uint32_t v = kValues[rng() % 8];
        const std::size_t at = pos(64);
        for (int i = 0; i < 4 && at + i < s.size(); ++i)
          s[at + i] = static_cast<char>(v >> (8 * i));
        break;
      }
      case 3:  // truncate
        s.resize(pos(s.size()));
        break;
      case 4:  // delete a span
      {
        const std::size_t at = pos(s.size());
        s.erase(at, 1 + rng() % 64);
        break;
      }
      case 5:  // duplicate a span (repeats chunks/pages/frames)
      {
        const std::size_t at = pos(s.size());
        const std::string span = s.substr(at, 1 + rng() % 256);
        s.insert(pos(s.size()), span);
        break;
      }
      case 6:  // splice random bytes
      {
        std::string junk(1 + rng() % 32, '\0');
        for (char& c : junk) c = static_cast<char>(rng());
        s.insert(pos(s.size()), junk);
        break;
      }
    }
  }
  if (seed.compare(0, 4, "OggS") == 0 && rng() % 2 == 0) FixOggCrcs(s);
  return s;
}

// WebM and M4A seeds are committed fixtures (testdata/make_fixtures.sh).
std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(VOX_SOURCE_DIR) + "/src/audio/testdata/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string SeedFor(const std::string& name) {
  if (name == "webm_opus") return Fixture("sine440_opus.webm");
  if (name == "webm_live") return Fixture("live_opus.webm");
  if (name == "webm_vorbis") return Fixture("stereo_vorbis.webm");
  if (name == "m4a_aac") return Fixture("sine440_aac.m4a");
  if (name == "wav") return Seed(Format::kWav);
  if (name == "flac") return Seed(Format::kFlac);
  if (name == "mp3") return Seed(Format::kMp3);
  if (name == "opus") return Seed(Format::kOpus);
  return VorbisSeed();
}

class AudioDecodeMutation : public ::testing::TestWithParam<const char*> {};

TEST_P(AudioDecodeMutation, MutantsNeverCrash) {
  const std::string seed = SeedFor(GetParam());
  ASSERT_FALSE(seed.empty());
  DecodeOptions options;
  options.max_seconds = 30.0;
  ASSERT_TRUE(Decode(seed, options)) << "the unmutated seed must decode";
  if (seed.compare(0, 4, "OggS") == 0) {
    std::string refixed = seed;
    FixOggCrcs(refixed);
    ASSERT_EQ(refixed, seed) << "CRC helper must reproduce the encoder's CRCs";
  }
  std::mt19937 rng(20240601);
  int decoded = 0, refused = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    const std::string mutant = Mutate(seed, rng);
    auto r = Decode(mutant, options);
    if (r) {
      ++decoded;
      ASSERT_GE(r->channels, 1);
      ASSERT_EQ(r->samples.size() % r->channels, 0u);
      ASSERT_GT(r->sample_rate, 0);
      ASSERT_LE(r->duration_s(), options.max_seconds);
      for (float x : r->samples) ASSERT_TRUE(x >= -1.0f && x <= 1.0f);
    } else {
      ++refused;
      ASSERT_FALSE(r.error().message.empty());
      ASSERT_TRUE(r.error().code == ErrorCode::kInvalidArgument ||
                  r.error().code == ErrorCode::kResourceExhausted)
          << r.error().ToString();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s mutants: %d decoded, %d refused, %.2f s\n", GetParam(), decoded, refused,
              seconds);
  EXPECT_GT(refused, 0);  // the mutations do reach the error paths
}

INSTANTIATE_TEST_SUITE_P(Seeds, AudioDecodeMutation,
                         ::testing::Values("wav", "flac", "mp3", "opus", "vorbis", "webm_opus",
                                           "webm_live", "webm_vorbis", "m4a_aac"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace vox::audio
