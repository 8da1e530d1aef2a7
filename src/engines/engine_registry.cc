#include "engines/engine_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "engines/conversion_engine.h"
#include "engines/espeak_engine.h"
#include "engines/flite_engine.h"
#include "engines/language.h"

namespace vox::engines {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "flite-slt" -> "slt", "espeak-pt-br" -> "pt-br"; "" for ids without a prefix.
std::string AliasOf(const std::string& id) {
  const size_t dash = id.find('-');
  return dash == std::string::npos ? "" : id.substr(dash + 1);
}

constexpr size_t kVoicesNamedInErrors = 10;

}  // namespace

EngineRegistry::EngineRegistry(std::vector<std::unique_ptr<Engine>> engines)
    : engines_(std::move(engines)) {}

Result<std::unique_ptr<EngineRegistry>> EngineRegistry::Create(
    const EnginesConfig& config, std::vector<std::unique_ptr<Engine>> extra) {
  VOX_RETURN_IF_ERROR(config.Validate());
  std::vector<std::unique_ptr<Engine>> engines;
  // Flite first: its voices win RFC 4647 lookups for English ("en" -> flite-slt).
  if (config.flite) {
    VOX_ASSIGN_OR_RETURN(auto flite, FliteEngine::Create());
    engines.push_back(std::move(flite));
  }
  if (config.espeak) {
    VOX_ASSIGN_OR_RETURN(auto espeak, EspeakEngine::Create(config.espeak_data_dir));
    engines.push_back(std::move(espeak));
  }
  for (auto& engine : extra) engines.push_back(std::move(engine));
  return FromEngines(std::move(engines));
}

Result<std::unique_ptr<EngineRegistry>> EngineRegistry::FromEngines(
    std::vector<std::unique_ptr<Engine>> engines) {
  std::unique_ptr<EngineRegistry> registry(new EngineRegistry(std::move(engines)));
  for (const auto& engine : registry->engines_) {
    for (const VoiceInfo& voice : engine->voices()) {
      const auto [it, inserted] =
          registry->by_name_.emplace(Lower(voice.id), registry->entries_.size());
      if (!inserted) {
        return MakeError(ErrorCode::kAlreadyExists,
                         fmt::format("voice id '{}' is served by two engines", voice.id), "voice");
      }
      registry->entries_.push_back({engine.get(), &voice});
    }
  }
  // Aliases only where unambiguous: an alias never shadows an id or another alias.
  std::unordered_map<std::string, int> alias_count;
  for (const Entry& entry : registry->entries_) ++alias_count[Lower(AliasOf(entry.voice->id))];
  for (size_t i = 0; i < registry->entries_.size(); ++i) {
    const std::string alias = Lower(AliasOf(registry->entries_[i].voice->id));
    if (!alias.empty() && alias_count[alias] == 1) registry->by_name_.emplace(alias, i);
  }
  return registry;
}

VoiceConversionEngine* EngineRegistry::voice_conversion_engine() const {
  for (const auto& engine : engines_) {
    if (VoiceConversionEngine* converting = engine->voice_conversion()) return converting;
  }
  return nullptr;
}

VoiceRef EngineRegistry::Ref(size_t index) const {
  return VoiceRef{*entries_[index].engine, *entries_[index].voice};
}

std::vector<VoiceInfo> EngineRegistry::ListVoices(std::string_view language) const {
  std::vector<VoiceInfo> out;
  for (const Entry& entry : entries_) {
    if (language.empty() || LanguageRangeMatches(language, entry.voice->language)) {
      out.push_back(*entry.voice);
    }
  }
  return out;
}

Result<VoiceRef> EngineRegistry::FindVoice(std::string_view id) const {
  if (const auto it = by_name_.find(Lower(id)); it != by_name_.end()) return Ref(it->second);
  std::string known;
  for (size_t i = 0; i < entries_.size() && i < kVoicesNamedInErrors; ++i) {
    known += (i == 0 ? "" : ", ") + entries_[i].voice->id;
  }
  return NotFound(fmt::format("unknown voice '{}'; valid voices include {}{} ({} in all, see "
                              "GET /v1/voices)",
                              id, known, entries_.size() > kVoicesNamedInErrors ? ", ..." : "",
                              entries_.size()),
                  "voice");
}

Result<VoiceRef> EngineRegistry::DefaultVoice(std::string_view language) const {
  const std::string requested = language.empty() ? "en" : std::string(language);
  if (!IsWellFormedLanguageTag(requested)) {
    return InvalidArgument(
        fmt::format("language '{}' is not a BCP-47 tag such as 'en', 'de' or 'pt-BR'", requested),
        "language");
  }
  // RFC 4647 lookup: the exact tag, then shorter prefixes ("de-AT" -> "de"),
  // then any voice of the same primary language; registry order breaks ties.
  std::string wanted = NormalizeLanguageTag(requested);
  while (!wanted.empty()) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (NormalizeLanguageTag(entries_[i].voice->language) == wanted) return Ref(i);
    }
    const size_t dash = wanted.rfind('-');
    wanted = dash == std::string::npos ? "" : wanted.substr(0, dash);
  }
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (SamePrimaryLanguage(entries_[i].voice->language, requested)) return Ref(i);
  }
  return MakeError(ErrorCode::kUnprocessable,
                   fmt::format("no voice speaks language '{}'", requested), "language");
}

Result<VoiceRef> EngineRegistry::Resolve(std::string_view voice_id,
                                         std::string_view language) const {
  if (voice_id.empty()) return DefaultVoice(language);
  if (!language.empty() && !IsWellFormedLanguageTag(language)) {
    return InvalidArgument(
        fmt::format("language '{}' is not a BCP-47 tag such as 'en', 'de' or 'pt-BR'", language),
        "language");
  }
  VOX_ASSIGN_OR_RETURN(VoiceRef ref, FindVoice(voice_id));
  if (!language.empty() && !ref.engine.SupportsLanguage(ref.voice, language)) {
    std::string hint;
    if (auto other = DefaultVoice(language))
      hint = fmt::format(" (try voice '{}')", other->voice.id);
    return MakeError(ErrorCode::kUnprocessable,
                     fmt::format("voice '{}' ({}) cannot speak language '{}'{}", ref.voice.id,
                                 ref.voice.language, language, hint),
                     "language");
  }
  return ref;
}

Result<audio::PcmBuffer> EngineRegistry::Synthesize(std::string_view text,
                                                    std::string_view voice_id,
                                                    const SynthesisParams& params) const {
  VOX_ASSIGN_OR_RETURN(VoiceRef ref, Resolve(voice_id, params.language));
  return ref.engine.Synthesize(text, ref.voice, params);
}

}  // namespace vox::engines
