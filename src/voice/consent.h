// Consent for voice cloning: the statement a speaker reads aloud, and the check that a
// recording of it is (1) that statement and (2) the voice of the samples to be cloned.
//
// A statement may end with a one-time challenge ("... of my voice. My code is seven two nine
// four one six."): words the server issued minutes before (cloning/consent_challenges.h), so a
// recording of it cannot have been made earlier, for another request, or by someone else.
//
// The check is only as strong as its two instruments, both measured in consent_test.cc:
// pocketsphinx (a small 2016 US-English model) mishears synthetic and accented speech, and the
// stats/1 speaker embedding has an EER near 4% on synthetic speakers. It stops the obvious
// abuses -- uploading someone else's consent, or a recording that says something else -- not a
// determined attacker with a voice-cloning tool of their own (synthesis detection is out of
// scope; the challenge, the store's one use per recording and the watermark check on Vox's
// own output are the cloner's, cloning/voice_cloner.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "asr/transcriber.h"
#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "voice/speaker_encoder.h"

namespace vox::voice {

// "I, NAME, agree that recordings of my voice will be used by PLATFORM to create a synthetic
// version of my voice." The name is trimmed and inner runs of spaces collapsed; it must then be
// 1..100 characters of letters (ASCII or Latin accented), spaces, hyphens, apostrophes and
// periods, with at least one letter (InvalidArgument, field "speaker_name"). The platform name
// follows the same rules plus digits (field "platform_name"). A non-empty `challenge` is
// appended as " My code is CHALLENGE." (ValidateConsentChallenge's rules).
Result<std::string> ConsentStatement(std::string_view speaker_name,
                                     std::string_view platform_name = "Vox",
                                     std::string_view challenge = {});

// A challenge is 1..80 characters of lower-case ASCII words separated by single spaces
// (InvalidArgument, field "challenge").
Status ValidateConsentChallenge(std::string_view challenge);

// `words` digits spelled out ("seven two nine four one six"), drawn from the OS CSPRNG.
// Digits are what pocketsphinx hears best of the kinds measured (consent_challenge_eval_test):
// six of them are 10^6 values, for a challenge that is also bound to its caller, expires in
// minutes and is used once.
inline constexpr int kConsentChallengeWords = 6;
std::string NewConsentChallenge(int words = kConsentChallengeWords);

// source/1 cosine consent requires besides stats/1's. Measured (src/voice/README.md, "A second
// encoder", single held-out sentences): Vox clones of the diphone voices (a human's excitation)
// 0.77 at most, their genuine sentences 0.81 and up; over all speakers 6 of 114 genuine
// sentences fall under 0.80 (eSpeak m3/es/de, 0.63..0.76). Clones of flite/HTS-made voices
// cannot be told apart (the same vocoder): those pass at any threshold genuine speech passes.
inline constexpr double kMinSourceSimilarity = 0.80;

struct ConsentOptions {
  // Word error rate of the transcript against the statement, over the statement's 20 words
  // without the speaker's name (see VerifyConsent). Measured in consent_eval_test.cc with
  // flite slt, rms and awb reading it with 8 names: mean 0.13, worst 0.25; slt reading other
  // sentences 0.75 (a paraphrase sharing "recordings of my voice") to 1.0. 0.5 sits in the
  // middle of that gap, leaving room for real microphones, which the ASR hears worse.
  double max_wer = 0.5;
  // Cosine between the recording's embedding and the samples'. The stats/1 equal-error point
  // is 0.885 (src/voice/README.md: about 4% false accepts and rejects); consent takes it
  // rounded down. Measured: the same voice 0.908 (awb) to 0.993; other voices against slt's
  // samples 0.43 and below. Accepting a stranger's recording is the costly error here, so the
  // threshold stays at the equal-error point rather than below it.
  double min_similarity = 0.88;
  // Cosine of the second encoder (source/1, source_speaker_encoder.h) when VerifyConsent is
  // given one: the voice conversion maximises stats/1, not this. See kMinSourceSimilarity.
  double min_source_similarity = kMinSourceSimilarity;
  // Challenge words the transcript may miss (the rest heard in order after the platform's
  // name). Measured in consent_challenge_eval_test.cc; see the README.
  int max_challenge_misses = 1;

  // similarities and max_wer in (0, 1], max_challenge_misses 0..2; errors name the field
  Status Validate() const;
};

struct ConsentCheck {
  std::string transcript;                   // what the ASR heard
  double wer = 1.0;                         // against the statement, the name not counted
  std::optional<double> similarity;         // nullopt when the recording had too little speech
  std::optional<double> source_similarity;  // the second encoder's, when one was given
  // Challenge words not heard in order after the platform's name; nullopt without a
  // challenge, or when "agree" or the platform's name was not heard first.
  std::optional<int> challenge_missed;
  bool passed = false;
  std::string reason;  // why not, with the measured values; empty when passed
};

// Checks a consent recording. The statement is compared as the words the ASR would produce
// (text::Normalize, then asr::WordsForScoring). When it has the shape ConsentStatement makes,
// the speaker's name is a free slot: names are mostly outside the ASR's vocabulary and come
// back as any few words, so up to 2 x (name words) + 2 recognized words there cost nothing and
// the WER is over the other words -- as long as they hold about as many letters as the name
// (a clause slipped in beside the name is not free). A transcript that adds a word of
// refusal or coercion the statement lacks ("not", "never", "object", "forbid", "reject",
// "revoke", "withdraw", "forced", "coerced", "against", ...) fails whatever its WER: "I do not
// agree ..." is 2 words off. So does one that misses an anchor: "agree", then the platform's
// name, then the challenge (up to max_challenge_misses of its words missed), in that order.
// The challenge is also heard by a second pass constrained to "... my code is" and digits
// (the language model hears "two two" as "tube"); it counts when the transcript misses more.
//
// Errors are for unusable inputs, not for a failed check: an empty or malformed recording
// (field "audio"), an empty statement ("statement"), a sample embedding from another encoder
// than `encoder` ("embedding"), bad options, and ASR failures. A recording with too little
// speech is a failed check. `encoder` is not const because SpeakerEncoder::Embed is not;
// both it and the transcriber are thread-safe.
//
// `second` adds a speaker model the voice conversion does not optimise (source/1): its cosine
// must also reach options.min_source_similarity, so a Vox clone of the samples, which scores
// like their speaker on stats/1, fails (same errors, field "embedding", for a mismatched one).
struct SecondSpeakerModel {
  SpeakerEncoder& encoder;
  const Embedding& sample_embedding;
};
Result<ConsentCheck> VerifyConsent(const audio::PcmBuffer& recording, std::string_view statement,
                                   const Embedding& sample_embedding, asr::Transcriber& transcriber,
                                   SpeakerEncoder& encoder, const ConsentOptions& options = {},
                                   std::optional<SecondSpeakerModel> second = std::nullopt);

// The transcript's side of VerifyConsent on its own (for tests and tuning, on transcripts the
// ASR produced): `passed`, `reason`, `wer` and `challenge_missed` as VerifyConsent sets them
// from the words alone (no grammar pass); `similarity` stays empty. Errors as VerifyConsent's for the statement
// and options.
Result<ConsentCheck> CheckConsentTranscript(std::string_view statement, std::string_view transcript,
                                            const ConsentOptions& options = {});

// The scoring step on its own (for tests and tuning): word errors of `transcript` against
// `statement` as VerifyConsent counts them.
Result<double> ConsentWordErrorRate(std::string_view statement, std::string_view transcript);

}  // namespace vox::voice
