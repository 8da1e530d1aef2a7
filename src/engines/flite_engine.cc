#include "engines/flite_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>

#include "engines/engine_input.h"
#include "engines/flite_cg_vocoder.h"
#include "engines/flite_chunker.h"
#include "engines/flite_random.h"
#include "engines/flite_timings.h"
#include "engines/language.h"
#include "engines/voice_conversion.h"

extern "C" {
#include <flite/cst_cg.h>
#include <flite/flite.h>
#include <flite/flite_version.h>

// Debian's voice libraries ship no headers; these are their entry points.
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_kal(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
}

namespace vox::engines {
namespace {

struct VoiceSpec {
  const char* name;
  cst_voice* (*register_fn)(const char*);
  const char* language;
  const char* gender;
  const char* description;
};

// Order matters: the first voice is the default English voice.
constexpr VoiceSpec kVoiceSpecs[] = {
    {"slt", register_cmu_us_slt, "en-US", "female",
     "CMU ARCTIC slt: US English female, clustergen statistical parametric voice"},
    {"rms", register_cmu_us_rms, "en-US", "male",
     "CMU ARCTIC rms: US English male, clustergen statistical parametric voice"},
    {"awb", register_cmu_us_awb, "en-GB", "male",
     "CMU ARCTIC awb: Scottish English male (US English lexicon), clustergen voice"},
    {"kal", register_cmu_us_kal, "en-US", "male",
     "CMU kal: US English male diphone voice, 8 kHz (telephone quality, fastest)"},
    {"kal16", register_cmu_us_kal16, "en-US", "male",
     "CMU kal16: US English male diphone voice, 16 kHz"},
};

// Any fixed seed: what matters is that every utterance starts from the same one.
constexpr unsigned long kNoiseSeed = 1;

// flite_init() and the register_* functions write process globals (the
// lexicon, regexes, voice singletons); they run once, before any synthesis.
struct Registered {
  std::vector<cst_voice*> voices;  // parallel to kVoiceSpecs; null if registration failed
};

const Registered& RegisterOnce() {
  static std::once_flag once;
  static Registered registered;
  std::call_once(once, [] {
    flite_init();
    for (const VoiceSpec& spec : kVoiceSpecs)
      registered.voices.push_back(spec.register_fn(nullptr));
  });
  return registered;
}

struct UttDeleter {
  void operator()(cst_utterance* u) const { delete_utterance(u); }
};
using UttPtr = std::unique_ptr<cst_utterance, UttDeleter>;

// What flite's audio streaming callback works with. The vocoders (clustergen
// MLSA and diphone LPC) call it every min_buffsize samples they finish: it
// polls the cancel check and hands finished words to the chunker.
struct StreamState {
  const CancelCheck& canceled;
  internal::FliteChunker& chunker;
  const cst_utterance* utt;
  std::string_view text;
  Status error;
  bool stopped = false;  // canceled, or the sink failed
};

int OnAudio(const cst_wave* wave, int start, int size, int, cst_audio_streaming_info* asi) {
  auto* state = static_cast<StreamState*>(asi->userdata);
  if (state->stopped) return CST_AUDIO_STREAM_STOP;
  if (state->canceled && state->canceled()) {
    state->stopped = true;
    return CST_AUDIO_STREAM_STOP;
  }
  // The timings are final once vocoding runs: take them at the first call.
  if (!state->chunker.has_timings()) {
    state->chunker.SetTimings(
        internal::FliteTimings(state->utt, state->text, std::numeric_limits<double>::max()));
  }
  state->error = state->chunker.Advance(wave->samples, static_cast<size_t>(start + size));
  if (!state->error) state->stopped = true;
  return state->stopped ? CST_AUDIO_STREAM_STOP : CST_AUDIO_STREAM_CONT;
}

constexpr int kCallbacksPerSecond = 20;
constexpr double kMinChunkSeconds = 0.5;

}  // namespace

enum class PitchControl {
  kF0Shift,      // the "f0_shift" feature scales the F0 target mean
  kSpamAccents,  // SPAM F0 model: shift accent peaks in a per-request model copy
};

struct FliteEngine::LoadedVoice {
  cst_voice* voice = nullptr;
  float duration_stretch = 1.0f;  // the voice's own (kal speaks 10% slower than its data)
  PitchControl pitch = PitchControl::kF0Shift;
  const cst_cg_db* cg_db = nullptr;  // clustergen voices only
};

namespace {

// A per-utterance copy of a SPAM-F0 clustergen model whose accent peaks (log F0)
// are raised by log(pitch), which scales the whole predicted contour by `pitch`.
// The model is large and shared; only the struct and the small accent table are
// copied. freeable = 0 tells flite's delete_cg_db that it does not own it.
class PitchShiftedModel {
 public:
  PitchShiftedModel(const cst_cg_db& base, double pitch) : db_(base) {
    const int frames = base.num_frames_spamf0_accent;
    const int channels = base.num_channels_spamf0_accent;
    values_.resize(static_cast<size_t>(frames) * channels);
    rows_.resize(frames);
    const float shift = static_cast<float>(std::log(pitch));
    for (int f = 0; f < frames; ++f) {
      float* row = values_.data() + static_cast<size_t>(f) * channels;
      for (int c = 0; c < channels; ++c) row[c] = base.spamf0_accent_vectors[f][c];
      row[0] += shift;  // channel 0 is the accent peak
      rows_[f] = row;
    }
    db_.spamf0_accent_vectors = rows_.data();
    db_.freeable = 0;
  }
  PitchShiftedModel(const PitchShiftedModel&) = delete;
  PitchShiftedModel& operator=(const PitchShiftedModel&) = delete;

  cst_cg_db* db() { return &db_; }

 private:
  cst_cg_db db_;
  std::vector<float> values_;
  std::vector<const float*> rows_;
};

}  // namespace

FliteEngine::FliteEngine(std::vector<VoiceInfo> voices, std::vector<LoadedVoice> loaded)
    : voices_(std::move(voices)), loaded_(std::move(loaded)) {}

FliteEngine::~FliteEngine() = default;

Result<std::unique_ptr<FliteEngine>> FliteEngine::Create() {
  const Registered& registered = RegisterOnce();
  std::vector<VoiceInfo> voices;
  std::vector<LoadedVoice> loaded;
  for (size_t i = 0; i < std::size(kVoiceSpecs); ++i) {
    const VoiceSpec& spec = kVoiceSpecs[i];
    cst_voice* v = registered.voices[i];
    if (v == nullptr)
      return Unavailable(fmt::format("flite: voice '{}' failed to load", spec.name));

    LoadedVoice lv;
    lv.voice = v;
    lv.duration_stretch = flite_get_param_float(v->features, "duration_stretch", 1.0f);
    if (const cst_val* db = flite_get_param_val(v->features, "cg_db", nullptr)) {
      lv.cg_db = val_cg_db(db);
      if (lv.cg_db->spamf0) lv.pitch = PitchControl::kSpamAccents;
    }
    const int rate = flite_get_param_int(v->features, "sample_rate", 0);
    if (rate <= 0) return Internal(fmt::format("flite: voice '{}' has no sample rate", spec.name));

    VoiceInfo info;
    info.id = fmt::format("flite-{}", spec.name);
    info.engine = "flite";
    info.engine_version = FLITE_PROJECT_VERSION;
    info.name = spec.name;
    info.language = spec.language;
    info.gender = spec.gender;
    info.sample_rate = rate;
    info.description = spec.description;
    voices.push_back(std::move(info));
    loaded.push_back(lv);
  }
  return std::unique_ptr<FliteEngine>(new FliteEngine(std::move(voices), std::move(loaded)));
}

std::string FliteEngine::version() const { return FLITE_PROJECT_VERSION; }

std::optional<double> FliteEngine::MelCepstrumAlpha(std::string_view voice_id) const {
  for (size_t i = 0; i < voices_.size(); ++i) {
    if (voices_[i].id == voice_id && loaded_[i].cg_db != nullptr)
      return loaded_[i].cg_db->mlsa_alpha;
  }
  return std::nullopt;
}

bool FliteEngine::SupportsLanguage(const VoiceInfo& voice, std::string_view language) const {
  return language.empty() || PrimaryLanguage(language) == "en";
}

EngineCapabilities FliteEngine::capabilities() const {
  EngineCapabilities caps = Engine::capabilities();
  caps.voice_conversion = true;
  caps.timing = TimingGranularity::kPhoneme;
  caps.streaming = StreamingGranularity::kSubSentence;
  caps.cancel_within_sentence = true;
  return caps;
}

Result<audio::PcmBuffer> FliteEngine::Synthesize(std::string_view text, const VoiceInfo& voice,
                                                 const SynthesisParams& params) {
  return CollectStream(text, voice, params);
}

Status FliteEngine::SynthesizeStream(std::string_view text, const VoiceInfo& voice,
                                     const SynthesisParams& params, const AudioChunkSink& sink,
                                     const CancelCheck& canceled) {
  VOX_RETURN_IF_ERROR(params.Validate());
  size_t index = 0;
  while (index < voices_.size() && voices_[index].id != voice.id) ++index;
  if (index == voices_.size()) {
    return NotFound(fmt::format("flite has no voice '{}'", voice.id), "voice");
  }
  const VoiceInfo& info = voices_[index];
  const LoadedVoice& lv = loaded_[index];
  if (!SupportsLanguage(info, params.language)) {
    return MakeError(
        ErrorCode::kUnprocessable,
        fmt::format("voice '{}' speaks English only, not '{}'", info.id, params.language),
        "language");
  }
  VOX_RETURN_IF_ERROR(internal::CheckText(text, "flite", kMaxTextBytes));

  const VoiceConversion* conversion = params.conversion.get();
  if (conversion != nullptr) {
    // Only the clustergen voices expose a parameter track to convert.
    if (lv.cg_db == nullptr || !IsConversionBaseVoice(info.id)) {
      return MakeError(ErrorCode::kUnprocessable,
                       fmt::format("voice '{}' cannot carry a cloned voice; voice conversion "
                                   "needs a clustergen voice (flite-slt, flite-rms, flite-awb)",
                                   info.id),
                       "voice");
    }
    VOX_RETURN_IF_ERROR(conversion->Validate());
    if (conversion->base_voice != info.id) {
      return MakeError(ErrorCode::kUnprocessable,
                       fmt::format("the cloned voice was fitted on '{}', not '{}'",
                                   conversion->base_voice, info.id),
                       "voice");
    }
  }

  if (internal::IsBlank(text)) return {};
  if (canceled && canceled()) return MakeError(ErrorCode::kCanceled, "synthesis canceled");

  // Declared before the utterance so it outlives it: the utterance points into it.
  std::optional<PitchShiftedModel> shifted_model;
  const std::string input = internal::CString(text);
  internal::FliteChunker chunker(info.sample_rate, kMinChunkSeconds, sink);
  UttPtr utt(new_utterance());
  StreamState state{canceled, chunker, utt.get(), input, {}};
  utt_set_input_text(utt.get(), input.c_str());
  utt_init(utt.get(), lv.voice);

  // Per-request settings go into the utterance's features only (see the header).
  flite_feat_set_float(utt->features, "duration_stretch",
                       static_cast<float>(lv.duration_stretch / params.speed));
  // With a conversion the pitch factor applies after its F0 mapping, in the vocoder hook.
  if (params.pitch != 1.0 && conversion == nullptr) {
    if (lv.pitch == PitchControl::kSpamAccents) {
      shifted_model.emplace(*lv.cg_db, params.pitch);
      flite_feat_set(utt->features, "cg_db", cg_db_val(shifted_model->db()));
    } else {
      flite_feat_set_float(utt->features, "f0_shift", static_cast<float>(params.pitch));
    }
  }

  {
    // The utterance's features own (and free) the streaming info.
    cst_audio_streaming_info* asi = new_audio_streaming_info();
    asi->min_buffsize = std::max(1, info.sample_rate / kCallbacksPerSecond);
    asi->asc = OnAudio;
    asi->userdata = &state;
    flite_feat_set(utt->features, "streaming_info", audio_streaming_info_val(asi));
  }

  internal::SeedFliteRandom(kNoiseSeed);
  const internal::CgVocodeEdit edit{conversion, params.pitch};
  cst_utterance* synthesized = nullptr;
  {
    std::optional<internal::ScopedCgVocodeEdit> scope;
    if (conversion != nullptr) scope.emplace(edit);
    synthesized = utt_synth(utt.get());
  }
  VOX_RETURN_IF_ERROR(state.error);
  if (state.stopped) return MakeError(ErrorCode::kCanceled, "synthesis canceled");
  if (synthesized == nullptr) {
    return Internal(fmt::format("flite failed to synthesize with voice '{}'", info.id));
  }
  const cst_wave* wave = utt_wave(utt.get());
  if (wave == nullptr || wave->num_channels != 1 || wave->sample_rate != info.sample_rate) {
    return Internal(fmt::format("flite returned unexpected audio for voice '{}'", info.id));
  }
  // What the vocoder finished after the last clean cut (all of it if it never
  // called back), with the remaining timings clipped to the audio.
  const auto total = static_cast<size_t>(std::max(0, wave->num_samples));
  if (!chunker.has_timings()) chunker.SetTimings(internal::FliteTimings(utt.get(), input, 1e9));
  return chunker.Finish(wave->samples, total);
}

}  // namespace vox::engines
