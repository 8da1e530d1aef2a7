// Time to create a cloned voice, end to end, as POST /v1/voice/create and
// `vox clone` do it (cloning::VoiceCloner::Create): decode the upload (60 s of
// a target speaker as WAV, plus a consent recording as FLAC), preprocess,
// embed, check protected voices, verify consent (pocketsphinx), fit the
// conversion, write blobs and the row (SQLite and a file blob store in a
// temporary directory). Reference measured in the same run: the conversion fit
// alone on the same speech (voice::FitConversion), the dominant stage.
//
// Prints one JSON line per repetition and a summary line:
//   {"summary":"clone_create","upload_s":60.4,"create_s_median":...,"fit_s_median":...,
//    "create_over_fit":...}
// Usage: vox_clone_create_bench [repetitions=3]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "audio/encode.h"
#include "cloning/voice_cloner.h"
#include "common/clock.h"
#include "engines/flite_engine.h"
#include "voice/stats_speaker_encoder.h"
#include "voice/testing/test_corpus.h"
#include "voice/voice_profile.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using vox::audio::PcmBuffer;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "clone_create_bench: " << what << "\n";
    std::exit(1);
  }
}

// `seconds` of `speaker` reading the corpus sentences in order (repeating them if needed).
PcmBuffer Speech(const std::string& speaker_id, double seconds) {
  const auto speaker = vox::voice::testing::SpeakerById(speaker_id);
  std::vector<std::string> sentences = vox::voice::testing::EvaluationSentences();
  const auto& more = vox::voice::testing::BackgroundSentences();
  sentences.insert(sentences.end(), more.begin(), more.end());
  PcmBuffer out;
  for (size_t i = 0; out.duration_s() < seconds; ++i) {
    auto pcm = vox::voice::testing::Synthesize(speaker, sentences[i % sentences.size()],
                                               vox::voice::testing::DefaultCacheDir());
    Check(pcm.has_value(), pcm ? "" : pcm.error().ToString());
    out.sample_rate = pcm->sample_rate;
    out.samples.insert(out.samples.end(), pcm->samples.begin(), pcm->samples.end());
  }
  return out;
}

std::string Encoded(const PcmBuffer& pcm, vox::audio::Format format) {
  vox::audio::EncodeOptions options;
  options.format = format;
  auto bytes = vox::audio::Encode(pcm, options);
  Check(bytes.has_value(), bytes ? "" : bytes.error().ToString());
  return *bytes;
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const std::string target = "flite-slt-f0x1.2";  // consent must pass: a voice the ASR hears well
  const std::string speaker_name = "Jane Doe";

  auto flite = vox::engines::FliteEngine::Create();
  auto asr = vox::asr::Transcriber::Create({});
  Check(flite && asr, "setup: flite or pocketsphinx missing");
  vox::voice::StatsSpeakerEncoder encoder;

  std::cerr << "preparing 60 s of " << target << "...\n";
  const PcmBuffer upload = Speech(target, 60.0);
  const std::string upload_wav = Encoded(upload, vox::audio::Format::kWav);
  // One consent reading per repetition: each spends its own one-time challenge, and a
  // recording is used once.
  std::vector<std::string> challenges, consent_flacs;
  for (int i = 0; i < repetitions; ++i) {
    challenges.push_back(vox::voice::NewConsentChallenge());
    const auto statement = vox::voice::ConsentStatement(speaker_name, "Vox", challenges.back());
    auto consent_pcm = vox::voice::testing::Synthesize(vox::voice::testing::SpeakerById(target),
                                                       *statement,
                                                       vox::voice::testing::DefaultCacheDir());
    Check(consent_pcm.has_value(), "consent recording");
    consent_flacs.push_back(Encoded(*consent_pcm, vox::audio::Format::kFlac));
  }

  // Warm the per-process base-voice statistics so neither measurement pays for them.
  for (const char* v : vox::engines::VoiceConversion::kBaseVoices) {
    Check(vox::voice::BaseStats(**flite, v).has_value(), "base stats");
  }

  const fs::path dir = fs::temp_directory_path() / ("vox-clone-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto store = vox::store::OpenStore("sqlite://" + (dir / "vox.db").string());
  Check(store && (*store)->Migrate(), "store");
  auto blobs = vox::blob::OpenBlobStore("file://" + (dir / "blobs").string());
  Check(blobs.has_value(), "blobs");
  vox::store::User user;
  user.name = "bench";
  auto created_user = (*store)->CreateUser(user);
  Check(created_user.has_value(), "user");
  vox::cloning::VoiceCloner cloner(**store, **blobs, **flite, asr->get(), encoder, {});

  std::vector<double> create_s, fit_s;
  for (int i = 0; i < repetitions; ++i) {
    vox::cloning::CloneInput input;
    input.name = "bench voice " + std::to_string(i);
    input.speaker_name = speaker_name;
    input.files = {{"upload.wav", upload_wav}};
    input.consent_audio = vox::cloning::UploadedAudio{"consent.flac", consent_flacs[i]};
    vox::store::ConsentChallenge challenge;
    challenge.user_id = created_user->id;
    challenge.speaker_name = speaker_name;
    challenge.challenge = challenges[i];
    challenge.created_at = vox::NowMs();
    challenge.expires_at = challenge.created_at + 600'000;
    auto issued = (*store)->CreateConsentChallenge(challenge);
    Check(issued.has_value(), "challenge");
    input.challenge_id = issued->id;
    const auto start = Clock::now();
    auto voice = cloner.Create(input, {created_user->id, std::nullopt, "bench", "cli"});
    create_s.push_back(Seconds(start));
    Check(voice.has_value(), voice ? "" : voice.error().ToString());

    // The reference: the fit alone, on the same speech preprocessed the same way.
    auto sample = vox::voice::PreprocessVoiceSample({&upload, 1});
    Check(sample.has_value(), "preprocess");
    const auto fit_start = Clock::now();
    auto profile = vox::voice::AnalyzeVoice(sample->audio);
    auto fit = vox::voice::FitConversion(*profile, sample->audio, **flite);
    fit_s.push_back(Seconds(fit_start));
    Check(fit.has_value(), "fit");
    std::cout << nlohmann::json{{"repetition", i}, {"create_s", create_s.back()},
                                {"fit_s", fit_s.back()}, {"base_voice", voice->base_voice}}
                     .dump()
              << std::endl;
  }
  fs::remove_all(dir);
  std::cout << nlohmann::json{{"summary", "clone_create"},
                              {"target", target},
                              {"upload_s", upload.duration_s()},
                              {"repetitions", repetitions},
                              {"create_s_median", Median(create_s)},
                              {"fit_s_median", Median(fit_s)},
                              {"create_over_fit", Median(create_s) / Median(fit_s)}}
                   .dump()
            << std::endl;
  return 0;
}
