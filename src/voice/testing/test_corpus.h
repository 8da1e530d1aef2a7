// Test-only: a corpus of synthetic speakers the voice tests make themselves
// with the command-line TTS tools (flite, espeak-ng, Festival's text2wave) and
// sox for pitch/formant-shifted renditions (and TD-PSOLA, in code, for pitch
// moved with the formants kept). Output is deterministic, so a
// speaker's utterances are cached on disk by a hash of the exact command.
#pragma once

#include <string>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::voice::testing {

struct TestSpeaker {
  std::string id;                  // "flite-slt"
  std::vector<std::string> tools;  // binaries it needs on PATH
  // Shell command with {text} (a file holding the sentence) and {out} (the WAV
  // to write); {tmp} is a scratch WAV path for two-step renditions.
  std::string command;
  // When set, the decoded output is pitch-shifted by this factor with TD-PSOLA
  // (test_psola.h): F0 moves, the formants stay. Applied after the cache.
  double psola_f0_factor = 0.0;
};

// The speakers the equal-error-rate evaluation uses.
std::vector<TestSpeaker> EvaluationSpeakers();
// Speakers whose F0 was moved with their formants kept (TD-PSOLA): the same
// vocal tract at another pitch, which voice conversion fitting must not read
// as a different tract. Not in the EER evaluation.
std::vector<TestSpeaker> PitchMovedSpeakers();
// Speakers for fitting the background statistics: disjoint from the above.
std::vector<TestSpeaker> BackgroundSpeakers();
// Harvard sentences (IEEE 1969, public domain); the two lists are disjoint.
const std::vector<std::string>& EvaluationSentences();
const std::vector<std::string>& BackgroundSentences();

// Looks up one speaker by id in EvaluationSpeakers() plus the extra
// renditions the tests use (e.g. "flite-slt-f0x1.2", PitchMovedSpeakers());
// aborts the test if unknown.
TestSpeaker SpeakerById(const std::string& id);

// `base` through sox's pitch effect (F0 and formants together, tempo kept) by `cents`, as
// someone hiding a voice would shift it; id "<base id>-pitch<cents>".
TestSpeaker SoxPitch(const TestSpeaker& base, int cents);

// `base` encoded by ffmpeg with `codec` into a `container` file and decoded back, as a phone
// (m4a/aac) or a browser (webm/libopus) would deliver it; id "<base id>-<codec>".
TestSpeaker Transcoded(const TestSpeaker& base, const std::string& container,
                       const std::string& codec);

bool ToolsAvailable(const TestSpeaker& speaker);

// A speaker id as a gtest parameter name ("flite-slt-shift+20" -> "flite_slt_shift_20").
std::string TestNameOf(std::string speaker_id);

// Synthesizes `text` as `speaker` (or reuses the cached WAV in `cache_dir`,
// created if missing) and decodes it. Safe across concurrent processes: files
// are written under a unique name and renamed into place.
Result<audio::PcmBuffer> Synthesize(const TestSpeaker& speaker, const std::string& text,
                                    const std::string& cache_dir);

// Synthesize() of each sentence in order, joined into one buffer.
Result<audio::PcmBuffer> SynthesizeAll(const TestSpeaker& speaker,
                                       const std::vector<std::string>& sentences,
                                       const std::string& cache_dir);

// The cache directory the voice tests share within a build tree.
std::string DefaultCacheDir();

}  // namespace vox::voice::testing
