// Intelligibility, judged by an ASR nobody here wrote (pocketsphinx, en-us).
//
// For each voice, `vox synth` speaks a set of sentences (plain ones and ones
// full of numbers, money, dates and abbreviations); pocketsphinx transcribes
// them and the word error rate against what a listener should hear must stay
// under a per-voice bound. Then normalization is put to the test: on the
// `norm` sentences, vox synth must beat the raw `flite` command speaking the
// same raw text. Figures are printed for the issue notes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "audio/decode.h"

namespace vox {
namespace {
namespace fs = std::filesystem;

struct Case {
  std::string kind, raw, reference;
};

std::vector<Case> LoadCases() {
  std::ifstream in(std::string(VOX_SOURCE_DIR) + "/tests/testdata/intelligibility_en.tsv");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    Case c;
    std::getline(ss, c.kind, '\t');
    std::getline(ss, c.raw, '\t');
    std::getline(ss, c.reference, '\t');
    cases.push_back(c);
  }
  return cases;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class Intelligibility : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto t = asr::Transcriber::Create({});
    ASSERT_TRUE(t) << t.error().ToString();
    transcriber_ = std::move(*t).release();
    char tmpl[] = "/tmp/vox-intel-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    tmp_ = new fs::path(tmpl);
  }
  static void TearDownTestSuite() {
    delete transcriber_;
    fs::remove_all(*tmp_);
    delete tmp_;
  }

  // Runs a command that writes `wav`, then transcribes the file.
  static std::string TranscribeCommand(const std::string& command, const fs::path& wav) {
    int rc = std::system((command + " 2>/dev/null").c_str());
    EXPECT_EQ(rc, 0) << command;
    auto audio = audio::DecodeFile(wav.string());
    EXPECT_TRUE(audio) << wav;
    if (!audio) return {};
    auto text = transcriber_->Transcribe(*audio);
    EXPECT_TRUE(text);
    return text ? *text : std::string();
  }

  static std::string VoxSynth(const std::string& voice, const std::string& raw, int n) {
    fs::path wav = *tmp_ / (voice + "-" + std::to_string(n) + ".wav");
    return TranscribeCommand(std::string(VOX_BINARY_DIR) + "/src/cli/vox synth --voice " + voice +
                                 " --format wav --out " + wav.string() + " --text " + ShellQuote(raw),
                             wav);
  }

  static std::string RawFlite(const std::string& raw, int n) {
    fs::path wav = *tmp_ / ("raw-flite-" + std::to_string(n) + ".wav");
    return TranscribeCommand("flite -voice slt -o " + wav.string() + " -t " + ShellQuote(raw), wav);
  }

  static asr::Transcriber* transcriber_;
  static fs::path* tmp_;
};

asr::Transcriber* Intelligibility::transcriber_ = nullptr;
fs::path* Intelligibility::tmp_ = nullptr;

// Per-voice bounds, set from measurements with margin (see docs/QUALITY.md).
struct VoiceBound {
  const char* voice;
  double max_wer;
};

class PerVoice : public Intelligibility, public ::testing::WithParamInterface<VoiceBound> {};

TEST_P(PerVoice, WordErrorRateStaysUnderBound) {
  const VoiceBound bound = GetParam();
  asr::WerResult total;
  int n = 0;
  for (const Case& c : LoadCases()) {
    std::string hyp = VoxSynth(bound.voice, c.raw, n++);
    asr::WerResult r = asr::WordErrors(c.reference, hyp);
    total.reference_words += r.reference_words;
    total.errors += r.errors;
    std::printf("[%s] %-6s wer=%.2f  ref: %s\n%*s hyp: %s\n", bound.voice, c.kind.c_str(), r.wer(),
                c.reference.c_str(), 22, "", hyp.c_str());
  }
  std::printf("INTELLIGIBILITY voice=%s words=%zu errors=%zu wer=%.3f\n", bound.voice,
              total.reference_words, total.errors, total.wer());
  EXPECT_LE(total.wer(), bound.max_wer) << bound.voice;
}

INSTANTIATE_TEST_SUITE_P(Voices, PerVoice,
                         ::testing::Values(VoiceBound{"flite-slt", 0.20}, VoiceBound{"flite-rms", 0.20},
                                           VoiceBound{"flite-awb", 0.20},
                                           VoiceBound{"flite-kal16", 0.20},
                                           // pocketsphinx's acoustic model fits formant synthesis
                                           // poorly: the raw espeak-ng tool scores as badly.
                                           VoiceBound{"espeak-en-us", 0.90}),
                         [](const auto& info) {
                           std::string name = info.param.voice;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST_F(Intelligibility, NormalizationBeatsRawFliteOnNumbersMoneyDates) {
  asr::WerResult vox_total, raw_total;
  int n = 100;
  for (const Case& c : LoadCases()) {
    if (c.kind != "norm") continue;
    asr::WerResult v = asr::WordErrors(c.reference, VoxSynth("flite-slt", c.raw, n));
    asr::WerResult r = asr::WordErrors(c.reference, RawFlite(c.raw, n));
    ++n;
    vox_total.reference_words += v.reference_words;
    vox_total.errors += v.errors;
    raw_total.reference_words += r.reference_words;
    raw_total.errors += r.errors;
    std::printf("vox=%.2f raw=%.2f  %s\n", v.wer(), r.wer(), c.raw.c_str());
  }
  std::printf("NORMALIZATION vox_synth_wer=%.3f raw_flite_wer=%.3f words=%zu\n", vox_total.wer(),
              raw_total.wer(), vox_total.reference_words);
  EXPECT_LT(vox_total.wer(), raw_total.wer());
}

}  // namespace
}  // namespace vox
