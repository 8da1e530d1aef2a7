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
  const size_t builtin = engines.size();
  for (auto& engine : extra) engines.push_back(std::move(engine));
  VOX_ASSIGN_OR_RETURN(auto registry, FromEngines(std::move(engines)));
  registry->fixed_engines_ = builtin;
  return registry;
}

Result<std::unique_ptr<EngineRegistry>> EngineRegistry::FromEngines(
    std::vector<std::unique_ptr<Engine>> engines) {
  std::vector<std::shared_ptr<Engine>> shared;
  for (auto& engine : engines) shared.push_back(std::move(engine));
  VOX_ASSIGN_OR_RETURN(TablePtr table, BuildTable(std::move(shared)));
  std::unique_ptr<EngineRegistry> registry(new EngineRegistry());
  registry->fixed_engines_ = table->engines.size();
  registry->table_ = std::move(table);
  return registry;
}

Result<EngineRegistry::TablePtr> EngineRegistry::BuildTable(
    std::vector<std::shared_ptr<Engine>> engines) {
  auto table = std::make_shared<Table>();
  table->engines = std::move(engines);
  for (const auto& engine : table->engines) {
    for (const VoiceInfo& voice : engine->voices()) {
      const auto [it, inserted] = table->by_name.emplace(Lower(voice.id), table->entries.size());
      if (!inserted) {
        return MakeError(ErrorCode::kAlreadyExists,
                         fmt::format("voice id '{}' is served by two engines", voice.id), "voice");
      }
      table->entries.push_back({engine.get(), &voice});
    }
  }
  // Aliases only where unambiguous: an alias never shadows an id or another alias.
  std::unordered_map<std::string, int> alias_count;
  for (const Entry& entry : table->entries) ++alias_count[Lower(AliasOf(entry.voice->id))];
  for (size_t i = 0; i < table->entries.size(); ++i) {
    if (table->entries[i].voice->pinned()) continue;  // "x@2" is reached by its id only
    const std::string alias = Lower(AliasOf(table->entries[i].voice->id));
    if (!alias.empty() && alias_count[alias] == 1) table->by_name.emplace(alias, i);
  }
  return table;
}

Status EngineRegistry::ReplaceExtraEngines(std::vector<std::unique_ptr<Engine>> extra) {
  std::lock_guard lock(mu_);  // one reload at a time; readers only copy the pointer
  std::vector<std::shared_ptr<Engine>> engines(table_->engines.begin(),
                                               table_->engines.begin() + fixed_engines_);
  for (auto& engine : extra) engines.push_back(std::move(engine));
  VOX_ASSIGN_OR_RETURN(TablePtr table, BuildTable(std::move(engines)));
  table_ = std::move(table);  // the old table lives on while a VoiceRef holds it
  return {};
}

EngineRegistry::TablePtr EngineRegistry::Snapshot() const {
  std::lock_guard lock(mu_);
  return table_;
}

std::vector<std::shared_ptr<Engine>> EngineRegistry::engines() const { return Snapshot()->engines; }

VoiceConversionEngine* EngineRegistry::voice_conversion_engine() const {
  // Only the fixed engines convert (flite), so the pointer outlives reloads.
  const TablePtr table = Snapshot();
  for (size_t i = 0; i < fixed_engines_; ++i) {
    if (VoiceConversionEngine* converting = table->engines[i]->voice_conversion()) {
      return converting;
    }
  }
  return nullptr;
}

VoiceRef EngineRegistry::Ref(const TablePtr& table, size_t index) {
  return VoiceRef{*table->entries[index].engine, *table->entries[index].voice, table};
}

std::vector<VoiceInfo> EngineRegistry::ListVoices(std::string_view language) const {
  const TablePtr table = Snapshot();
  std::vector<VoiceInfo> out;
  for (const Entry& entry : table->entries) {
    if (entry.voice->pinned()) continue;
    if (language.empty() || LanguageRangeMatches(language, entry.voice->language)) {
      out.push_back(*entry.voice);
    }
  }
  return out;
}

std::vector<VoiceInfo> EngineRegistry::ListVoiceVersions() const {
  const TablePtr table = Snapshot();
  std::vector<VoiceInfo> out;
  for (const Entry& entry : table->entries) out.push_back(*entry.voice);
  return out;
}

Result<VoiceRef> EngineRegistry::FindVoice(std::string_view id) const {
  return FindIn(Snapshot(), id);
}

Result<VoiceRef> EngineRegistry::FindIn(const TablePtr& table, std::string_view id) {
  const auto& entries = table->entries;
  if (const auto it = table->by_name.find(Lower(id)); it != table->by_name.end()) {
    return Ref(table, it->second);
  }
  if (const size_t at = id.rfind('@'); at != std::string_view::npos) {
    // "voice@version" of a voice without version folders: its only version.
    const std::string_view version = id.substr(at + 1);
    if (const auto it = table->by_name.find(Lower(id.substr(0, at))); it != table->by_name.end()) {
      const VoiceInfo& base = *entries[it->second].voice;
      if (base.version.empty() || base.Version() == version) return Ref(table, it->second);
      return NotFound(fmt::format("voice '{}' has no version '{}' here (it speaks '{}')", base.id,
                                  version, base.Version()),
                      "voice");
    }
  }
  std::string known;
  for (size_t i = 0, named = 0; i < entries.size() && named < kVoicesNamedInErrors; ++i) {
    if (entries[i].voice->pinned()) continue;
    known += (named++ == 0 ? "" : ", ") + entries[i].voice->id;
  }
  return NotFound(
      fmt::format("unknown voice '{}'; valid voices include {}{} ({} in all, see "
                  "GET /v1/voices)",
                  id, known, entries.size() > kVoicesNamedInErrors ? ", ..." : "", entries.size()),
      "voice");
}

Result<VoiceRef> EngineRegistry::DefaultVoice(std::string_view language) const {
  return DefaultIn(Snapshot(), language);
}

Result<VoiceRef> EngineRegistry::DefaultIn(const TablePtr& table, std::string_view language) {
  const auto& entries = table->entries;
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
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].voice->pinned()) continue;
      if (NormalizeLanguageTag(entries[i].voice->language) == wanted) return Ref(table, i);
    }
    const size_t dash = wanted.rfind('-');
    wanted = dash == std::string::npos ? "" : wanted.substr(0, dash);
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].voice->pinned()) continue;
    if (SamePrimaryLanguage(entries[i].voice->language, requested)) return Ref(table, i);
  }
  return MakeError(ErrorCode::kUnprocessable,
                   fmt::format("no voice speaks language '{}'", requested), "language");
}

Result<VoiceRef> EngineRegistry::Resolve(std::string_view voice_id,
                                         std::string_view language) const {
  const TablePtr table = Snapshot();  // one generation for the whole answer
  if (voice_id.empty()) return DefaultIn(table, language);
  if (!language.empty() && !IsWellFormedLanguageTag(language)) {
    return InvalidArgument(
        fmt::format("language '{}' is not a BCP-47 tag such as 'en', 'de' or 'pt-BR'", language),
        "language");
  }
  VOX_ASSIGN_OR_RETURN(VoiceRef ref, FindIn(table, voice_id));
  if (!language.empty() && !ref.engine.SupportsLanguage(ref.voice, language)) {
    std::string hint;
    if (auto other = DefaultIn(table, language))
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
