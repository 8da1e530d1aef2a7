// The Engine interface: one TTS backend (flite, espeak-ng, later torch).
//
// An engine turns one chunk of already-normalized text (a sentence) into audio
// in one of its voices. Long texts are split into sentences by the caller and
// fed chunk by chunk, so an engine never holds a whole document in memory.
//
// What an engine can do is declared, not discovered by downcasting: its
// capabilities() (voices, languages, voice conversion, timing and streaming
// granularity) and voice_conversion(), the interface of engines that carry a
// cloned voice. SynthesizeStream() is the full call: audio delivered to a sink
// in chunks with the timings the engine knows, cancellable inside a sentence.
// Synthesize() is the one-buffer convenience. Every engine passes the one
// conformance suite (engine_conformance_test.cc).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"
#include "engines/voice_info.h"

namespace vox::engines {

struct VoiceConversion;  // voice_conversion.h

// Per-request controls. Engines validate them again, so a bad value is an error, never UB.
struct SynthesisParams {
  static constexpr double kMinSpeed = 0.25, kMaxSpeed = 4.0;
  static constexpr double kMinPitch = 0.5, kMaxPitch = 2.0;

  double speed = 1.0;    // 0.25 .. 4.0; 2.0 speaks twice as fast
  double pitch = 1.0;    // 0.5 .. 2.0; multiplies the voice's F0
  std::string language;  // BCP-47 ("de", "pt-BR"); empty: the voice's own
  // A cloned voice: parameter-level conversion of a flite clustergen voice
  // (voice_conversion.h); nullptr = none. Engines that cannot apply it refuse
  // the request (kUnprocessable, "voice"); Validate() does not look inside it.
  std::shared_ptr<const VoiceConversion> conversion;
  // IPA to speak instead of the text (SSML <phoneme>), on engines that take phonemes
  // (capabilities().phoneme_input); the text stays what the audio is timed against.
  // Other engines ignore it and speak the text.
  std::string phonemes;

  // Names the bad field. Out of range ("speed", "pitch"): kUnprocessable (well-formed but
  // not servable); a malformed "language" tag: kInvalidArgument.
  Status Validate() const;
};

// The finest unit an engine reports timings for; kNone: no timings.
enum class TimingGranularity { kNone, kWord, kPhoneme, kCharacter };
// How finely an engine delivers audio: one chunk per sentence (call), or
// several chunks while a sentence is still being synthesized.
enum class StreamingGranularity { kSentence, kSubSentence };

std::string_view ToString(TimingGranularity granularity);
std::string_view ToString(StreamingGranularity granularity);

struct EngineCapabilities {
  std::vector<std::string> voices;     // VoiceInfo ids, as voices()
  std::vector<std::string> languages;  // BCP-47 tags some voice speaks (SupportsLanguage)
  bool voice_conversion = false;       // accepts SynthesisParams::conversion; voice_conversion()
  TimingGranularity timing = TimingGranularity::kNone;
  StreamingGranularity streaming = StreamingGranularity::kSentence;
  // Cancellation is checked inside a sentence, not only between calls.
  bool cancel_within_sentence = false;
  // Speaks SynthesisParams::phonemes (IPA) when given, instead of reading the text.
  bool phoneme_input = false;
};

// One timed unit of a chunk's audio.
struct TimingItem {
  enum class Unit { kWord, kPhoneme, kCharacter };
  Unit unit = Unit::kWord;
  std::string label;  // the word as the engine read it, or the phone's symbol ("pau": silence)
  // Byte range, in the text given to SynthesizeStream, that this unit reads;
  // a phoneme has its word's range, a pause an empty range.
  std::size_t text_begin = 0;
  std::size_t text_end = 0;
  double start_s = 0;  // from the chunk's first sample; 0 <= start_s <= end_s <= duration
  double end_s = 0;
};

// Audio and timings. Within one unit, items are in order: start_s never
// decreases and units do not overlap. An item lies entirely in one chunk
// (engines cut chunks between words).
struct AudioChunk {
  audio::PcmBuffer pcm;  // mono, at the voice's sample_rate
  std::vector<TimingItem> timings;
  double offset_s = 0;  // where this chunk starts in the call's whole audio
};

// Receives chunks in order; an error stops synthesis and is returned.
using AudioChunkSink = std::function<Status(AudioChunk&& chunk)>;
// Polled by the engine, also inside a sentence, on the synthesizing thread
// (possibly under the engine's lock): keep it cheap. True: stop with kCanceled.
using CancelCheck = std::function<bool()>;

class VoiceConversionEngine;  // conversion_engine.h

class Engine {
 public:
  virtual ~Engine() = default;

  // Stable engine name ("flite", "espeak-ng"); VoiceInfo::engine of its voices.
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;

  // The voices this engine serves, with their manifests. Immutable after creation.
  virtual const std::vector<VoiceInfo>& voices() const = 0;

  // Synthesizes one chunk of normalized text in `voice` (one of voices()).
  // Thread-safe: engines that wrap non-reentrant C libraries serialize inside.
  // Returns mono audio at voice.sample_rate; empty text yields an empty buffer.
  // Errors name the field: params as in Validate(), kUnprocessable ("language") for a
  // language the voice cannot speak, kNotFound ("voice") for a voice this engine does
  // not serve, kResourceExhausted ("text") for a chunk over the engine's limit (16 KiB
  // for flite and espeak-ng), kInvalidArgument ("text") for malformed UTF-8,
  // kInternal when the library fails.
  virtual Result<audio::PcmBuffer> Synthesize(std::string_view text, const VoiceInfo& voice,
                                              const SynthesisParams& params) = 0;

  // Synthesizes like Synthesize() but delivers the audio to `sink` in one or
  // more chunks (capabilities().streaming), each with the timings the engine
  // knows (capabilities().timing), and polls `canceled`: kCanceled as soon as it
  // returns true (within a sentence where capabilities().cancel_within_sentence).
  // Same errors as Synthesize(), reported before any chunk; empty text delivers
  // nothing. The default calls Synthesize() and delivers one untimed chunk.
  virtual Status SynthesizeStream(std::string_view text, const VoiceInfo& voice,
                                  const SynthesisParams& params, const AudioChunkSink& sink,
                                  const CancelCheck& canceled = {});

  // What this engine can do. The default: its voices and their languages, no
  // conversion, no timings, one chunk per sentence, cancel between calls only.
  virtual EngineCapabilities capabilities() const;

  // The voice-conversion interface when this engine can carry a cloned voice
  // (capabilities().voice_conversion), else nullptr.
  virtual VoiceConversionEngine* voice_conversion() { return nullptr; }

  // Whether `voice` can speak `language` (BCP-47; empty means the voice's own).
  // Lets callers reject a request before queueing it. The default accepts the
  // voice's own language and its regional variants ("en-GB" for an "en-US" voice).
  virtual bool SupportsLanguage(const VoiceInfo& voice, std::string_view language) const;

 protected:
  // Synthesize() for engines whose primary call is SynthesizeStream(): the
  // chunks joined into one buffer (at voice.sample_rate; empty for empty text).
  Result<audio::PcmBuffer> CollectStream(std::string_view text, const VoiceInfo& voice,
                                         const SynthesisParams& params);
};

}  // namespace vox::engines
