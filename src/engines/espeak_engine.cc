#include "engines/espeak_engine.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "engines/engine_input.h"
#include "engines/espeak_runtime.h"
#include "engines/language.h"

namespace vox::engines {
namespace {

struct LanguageSpec {
  const char* key;     // voice id suffix and the language's short name: "en-us"
  const char* espeak;  // espeak-ng voice name: "en-us", "cmn"
  const char* tag;     // BCP-47 tag clients see: "en-US"
  const char* label;
  bool female_variant;  // also offer "espeak-<key>-f"
};

// Order matters: lookups by primary language ("pt", "es") take the first match.
constexpr LanguageSpec kLanguages[] = {
    {"en", "en", "en-GB", "English (Great Britain)", true},
    {"en-us", "en-us", "en-US", "English (America)", true},
    {"de", "de", "de", "German", true},
    {"fr", "fr", "fr-FR", "French (France)", true},
    {"es", "es", "es-ES", "Spanish (Spain)", true},
    {"es-419", "es-419", "es-419", "Spanish (Latin America)", false},
    {"it", "it", "it", "Italian", false},
    {"pt", "pt", "pt-PT", "Portuguese (Portugal)", false},
    {"pt-br", "pt-br", "pt-BR", "Portuguese (Brazil)", false},
    {"nl", "nl", "nl", "Dutch", false},
    {"pl", "pl", "pl", "Polish", false},
    {"ru", "ru", "ru", "Russian", false},
    {"uk", "uk", "uk", "Ukrainian", false},
    {"cs", "cs", "cs", "Czech", false},
    {"sv", "sv", "sv", "Swedish", false},
    {"tr", "tr", "tr", "Turkish", false},
    {"ar", "ar", "ar", "Arabic", false},
    {"hi", "hi", "hi", "Hindi", false},
    {"zh", "cmn", "zh", "Chinese (Mandarin)", false},
    {"ja", "ja", "ja", "Japanese (kana only: kanji are announced, not read)", false},
    {"ko", "ko", "ko", "Korean", false},
    {"vi", "vi", "vi", "Vietnamese (Northern)", false},
};
constexpr char kFemaleVariant[] = "+f3";

constexpr double kNormalWordsPerMinute = 175.0;
constexpr int kMinWordsPerMinute = 80;   // espeak-ng clamps anything slower
constexpr int kMaxWordsPerMinute = 700;  // 4x; above 450 espeak-ng speeds up with libsonic

// espeakPITCH moves the base pitch, espeakRANGE the excursions around it.
// Scaling both by these factors moves the median F0 by ~pitch (measured with
// espeak-ng 1.51 on en-us, de and en-us+f3: 1.5 -> 1.45x, 0.75 -> 0.78x).
int PitchParameter(double pitch) {
  return std::clamp(static_cast<int>(std::lround(50 + 88 * std::log(pitch))), 0, 100);
}
int RangeParameter(double pitch) {
  return std::clamp(static_cast<int>(std::lround(50 * pitch)), 0, 100);
}
int RateParameter(double speed) {
  return std::clamp(static_cast<int>(std::lround(kNormalWordsPerMinute * speed)),
                    kMinWordsPerMinute, kMaxWordsPerMinute);
}

// One espeak_ng_Synthesize(): where the callback puts samples and events, and
// whether to abort.
struct Call {
  struct Event {
    espeak_EVENT_TYPE type;
    int text_position;  // 1-based code point index of a word
    int length;         // code points
    int audio_ms;
  };
  std::vector<float>* samples;
  std::vector<Event> events;
  const CancelCheck* canceled;
  bool stopped = false;
};

// The synthesis in progress, for the callback; guarded by the EspeakSession
// the synthesizing thread holds.
Call* g_current_call = nullptr;

// Synchronous mode calls back on the synthesizing thread, which holds the
// mutex, with each buffer of samples and the events inside it. Returning 1
// aborts the synthesis.
int OnSamples(short* wav, int count, espeak_EVENT* events) {
  Call* call = g_current_call;
  if (call == nullptr) return 0;
  if (wav != nullptr) {
    for (int i = 0; i < count; ++i) call->samples->push_back(wav[i] / 32768.0f);
  }
  for (espeak_EVENT* e = events; e != nullptr && e->type != espeakEVENT_LIST_TERMINATED; ++e) {
    if (e->type == espeakEVENT_WORD || e->type == espeakEVENT_END) {
      call->events.push_back({e->type, e->text_position, e->length, e->audio_position});
    }
  }
  if (*call->canceled && (*call->canceled)()) call->stopped = true;
  return call->stopped ? 1 : 0;
}

// Word items from WORD events: a word lasts until the next word or the end of
// its clause, whichever comes first.
std::vector<TimingItem> WordTimings(const std::vector<Call::Event>& events, std::string_view text,
                                    double duration_s) {
  const std::vector<std::size_t> offsets = internal::CodePointOffsets(text);
  const int chars = static_cast<int>(offsets.size()) - 1;
  std::vector<TimingItem> items;
  double last_end = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Call::Event& e = events[i];
    if (e.type != espeakEVENT_WORD) continue;
    const double end = i + 1 < events.size() ? events[i + 1].audio_ms / 1000.0 : duration_s;
    const int first = std::clamp(e.text_position - 1, 0, chars);
    const int last = std::clamp(first + e.length, first, chars);
    TimingItem item;
    item.unit = TimingItem::Unit::kWord;
    item.text_begin = offsets[first];
    item.text_end = offsets[last];
    item.label = std::string(text.substr(item.text_begin, item.text_end - item.text_begin));
    item.start_s = std::clamp(e.audio_ms / 1000.0, last_end, duration_s);
    item.end_s = std::clamp(end, item.start_s, duration_s);
    last_end = item.end_s;
    items.push_back(std::move(item));
  }
  return items;
}

std::string StatusMessage(espeak_ng_STATUS status) {
  char buffer[256] = {};
  espeak_ng_GetStatusCodeMessage(status, buffer, sizeof(buffer));
  return buffer;
}

// Selects the voice and parameters and runs one synthesis into `call`, under
// the library's lock. A cancel is not an error here; the caller checks call.stopped.
Status SynthesizeLocked(const std::string& espeak_voice, const std::string& input,
                        const SynthesisParams& params, Call& call) {
  VOX_ASSIGN_OR_RETURN(EspeakSession session, EspeakSession::OpenAny());
  VOX_RETURN_IF_ERROR(session.SelectVoice(espeak_voice));
  for (const auto& [parameter, value] : {std::pair{espeakRATE, RateParameter(params.speed)},
                                         std::pair{espeakPITCH, PitchParameter(params.pitch)},
                                         std::pair{espeakRANGE, RangeParameter(params.pitch)}}) {
    const espeak_ng_STATUS status = espeak_ng_SetParameter(parameter, value, 0);
    if (status != ENS_OK) {
      return Internal("espeak-ng rejected a parameter: " + StatusMessage(status));
    }
  }
  espeak_SetSynthCallback(OnSamples);
  g_current_call = &call;
  const espeak_ng_STATUS status = espeak_ng_Synthesize(
      input.c_str(), input.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
  g_current_call = nullptr;
  if (status != ENS_OK && !call.stopped) {
    return Internal(fmt::format("espeak-ng synthesis failed with voice '{}': {}", espeak_voice,
                                StatusMessage(status)));
  }
  return {};
}

}  // namespace

EspeakEngine::EspeakEngine(std::string version, std::vector<VoiceInfo> voices,
                           std::vector<VoiceEntry> entries)
    : version_(std::move(version)), voices_(std::move(voices)), entries_(std::move(entries)) {}

EspeakEngine::~EspeakEngine() = default;

Result<std::unique_ptr<EspeakEngine>> EspeakEngine::Create(const std::string& data_dir) {
  VOX_ASSIGN_OR_RETURN(EspeakSession session, EspeakSession::Open(data_dir));

  std::vector<VoiceInfo> voices;
  std::vector<VoiceEntry> entries;
  auto add = [&](const LanguageSpec& spec, bool female) {
    const std::string espeak_voice = std::string(spec.espeak) + (female ? kFemaleVariant : "");
    // A data directory may lack some languages; offer only what loads.
    if (auto selected = session.SelectVoice(espeak_voice); !selected) {
      spdlog::warn("espeak-ng: voice '{}' unavailable ({}); not offered", espeak_voice,
                   selected.error().message);
      return;
    }
    VoiceInfo info;
    info.id = fmt::format("espeak-{}{}", spec.key, female ? "-f" : "");
    info.engine = "espeak-ng";
    info.engine_version = session.version();
    info.name = espeak_voice;
    info.language = spec.tag;
    info.gender = female ? "female" : "male";
    info.sample_rate = session.sample_rate();
    info.description = fmt::format("eSpeak NG {}{}: formant synthesis, robotic but intelligible",
                                   spec.label, female ? ", female variant" : "");
    voices.push_back(std::move(info));
    entries.push_back({spec.espeak, female ? kFemaleVariant : ""});
  };
  for (const LanguageSpec& spec : kLanguages) add(spec, false);
  for (const LanguageSpec& spec : kLanguages) {
    if (spec.female_variant) add(spec, true);
  }
  if (voices.empty()) return Unavailable("espeak-ng loaded no voices from its data directory");
  return std::unique_ptr<EspeakEngine>(
      new EspeakEngine(session.version(), std::move(voices), std::move(entries)));
}

const VoiceInfo* EspeakEngine::FindLanguageVoice(std::string_view language) const {
  // RFC 4647 lookup over the male language voices: the exact tag (or our key,
  // "en" being espeak's British English), then ever shorter prefixes ("de-AT" -> "de").
  std::string wanted = NormalizeLanguageTag(language);
  while (!wanted.empty()) {
    for (size_t i = 0; i < voices_.size(); ++i) {
      if (!entries_[i].variant.empty()) continue;
      const std::string key = voices_[i].id.substr(voices_[i].id.find('-') + 1);
      if (NormalizeLanguageTag(voices_[i].language) == wanted || key == wanted) return &voices_[i];
    }
    const size_t dash = wanted.rfind('-');
    wanted = dash == std::string::npos ? "" : wanted.substr(0, dash);
  }
  for (size_t i = 0; i < voices_.size(); ++i) {
    if (entries_[i].variant.empty() && SamePrimaryLanguage(voices_[i].language, language)) {
      return &voices_[i];
    }
  }
  return nullptr;
}

bool EspeakEngine::SupportsLanguage(const VoiceInfo& voice, std::string_view language) const {
  return language.empty() || FindLanguageVoice(language) != nullptr;
}

EngineCapabilities EspeakEngine::capabilities() const {
  EngineCapabilities caps = Engine::capabilities();
  caps.languages.clear();
  for (size_t i = 0; i < voices_.size(); ++i) {
    if (entries_[i].variant.empty()) caps.languages.push_back(voices_[i].language);
  }
  caps.timing = TimingGranularity::kWord;
  caps.streaming = StreamingGranularity::kSentence;
  caps.cancel_within_sentence = true;
  return caps;
}

Result<audio::PcmBuffer> EspeakEngine::Synthesize(std::string_view text, const VoiceInfo& voice,
                                                  const SynthesisParams& params) {
  return CollectStream(text, voice, params);
}

Status EspeakEngine::SynthesizeStream(std::string_view text, const VoiceInfo& voice,
                                      const SynthesisParams& params, const AudioChunkSink& sink,
                                      const CancelCheck& canceled) {
  VOX_RETURN_IF_ERROR(params.Validate());
  size_t index = 0;
  while (index < voices_.size() && voices_[index].id != voice.id) ++index;
  if (index == voices_.size()) {
    return NotFound(fmt::format("espeak-ng has no voice '{}'", voice.id), "voice");
  }
  if (params.conversion != nullptr) {
    // Voice conversion works on flite's clustergen parameter track; eSpeak has none.
    return MakeError(ErrorCode::kUnprocessable,
                     fmt::format("voice '{}' cannot carry a cloned voice; voice conversion needs "
                                 "a flite clustergen voice",
                                 voice.id),
                     "voice");
  }
  const VoiceEntry& entry = entries_[index];
  std::string espeak_voice = entry.espeak_language + entry.variant;
  if (!params.language.empty()) {
    const VoiceInfo* language_voice = FindLanguageVoice(params.language);
    if (language_voice == nullptr) {
      return MakeError(ErrorCode::kUnprocessable,
                       fmt::format("espeak-ng cannot speak language '{}'", params.language),
                       "language");
    }
    espeak_voice = entries_[language_voice - voices_.data()].espeak_language + entry.variant;
  }
  VOX_RETURN_IF_ERROR(internal::CheckText(text, "espeak-ng", kMaxTextBytes));
  if (internal::IsBlank(text)) return {};
  if (canceled && canceled()) return MakeError(ErrorCode::kCanceled, "synthesis canceled");

  AudioChunk chunk;
  chunk.pcm.channels = 1;
  chunk.pcm.sample_rate = voices_[index].sample_rate;
  const std::string input = internal::CString(text);
  Call call{&chunk.pcm.samples, {}, &canceled};

  VOX_RETURN_IF_ERROR(SynthesizeLocked(espeak_voice, input, params, call));
  if (call.stopped) return MakeError(ErrorCode::kCanceled, "synthesis canceled");
  if (chunk.pcm.samples.empty()) return {};
  chunk.timings = WordTimings(call.events, input, chunk.pcm.duration_s());
  // Delivered after the library's lock is released: the sink may be slow.
  return sink(std::move(chunk));
}

}  // namespace vox::engines
