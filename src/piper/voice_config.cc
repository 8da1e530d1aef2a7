#include "piper/voice_config.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "piper/voice_id.h"
#include "text/normalizer.h"
#include "text/utf8.h"

namespace vox::piper {
namespace {

using Json = nlohmann::json;

// Reads fields of one config, turning every problem into an error that names
// the file and the field.
class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  std::unexpected<Error> Fail(const std::string& field, const std::string& problem) const {
    return InvalidArgument(fmt::format("voice config '{}': {}: {}", source_, field, problem),
                           "config");
  }

  // The member `key` of `object`, or nullptr when absent (or null).
  static const Json* Find(const Json& object, const char* key) {
    auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
  }

  Result<const Json*> Object(const Json& parent, const char* key, const std::string& field,
                             bool required) const {
    const Json* value = Find(parent, key);
    if (value == nullptr) {
      if (required) return Fail(field, "is missing");
      return nullptr;
    }
    if (!value->is_object()) return Fail(field, "must be an object");
    return value;
  }

  Result<std::string> String(const Json& parent, const char* key, const std::string& field,
                             bool required) const {
    const Json* value = Find(parent, key);
    if (value == nullptr) {
      if (required) return Fail(field, "is missing");
      return std::string();
    }
    if (!value->is_string()) return Fail(field, "must be a string");
    return value->get<std::string>();
  }

  Result<int64_t> Integer(const Json& value, const std::string& field, int64_t min,
                          int64_t max) const {
    if (!value.is_number_integer()) return Fail(field, "must be an integer");
    const int64_t n = value.get<int64_t>();
    if (n < min || n > max) return Fail(field, fmt::format("{} is outside {}..{}", n, min, max));
    return n;
  }

  // Keeps `fallback` when absent.
  Result<double> Number(const Json& parent, const char* key, const std::string& field,
                        double fallback, double min) const {
    const Json* value = Find(parent, key);
    if (value == nullptr) return fallback;
    if (!value->is_number()) return Fail(field, "must be a number");
    const double x = value->get<double>();
    if (!std::isfinite(x) || x < min || x > 1000)
      return Fail(field, fmt::format("{} is out of range", x));
    return x;
  }

  Result<char32_t> CodePoint(const std::string& s, const std::string& field) const {
    if (!text::ValidateUtf8(s)) return Fail(field, "is not valid UTF-8");
    std::size_t pos = 0;
    const char32_t cp = s.empty() ? 0 : text::DecodeUtf8(s, pos);
    if (s.empty() || pos != s.size()) {
      return Fail(field, fmt::format("\"{}\" is not one code point (Piper phonemes are)", s));
    }
    return cp;
  }

 private:
  const std::string& source_;
};

std::string Key(const char* map, const std::string& key) {
  return fmt::format("{}[\"{}\"]", map, key);
}

Status ParseLanguage(const Reader& r, const Json& root, VoiceConfig& config) {
  VOX_ASSIGN_OR_RETURN(const Json* language, r.Object(root, "language", "language", false));
  LanguageInfo& info = config.language;
  if (language != nullptr) {
    VOX_ASSIGN_OR_RETURN(info.code, r.String(*language, "code", "language.code", false));
    VOX_ASSIGN_OR_RETURN(info.family, r.String(*language, "family", "language.family", false));
    VOX_ASSIGN_OR_RETURN(info.region, r.String(*language, "region", "language.region", false));
    VOX_ASSIGN_OR_RETURN(info.name_native,
                         r.String(*language, "name_native", "language.name_native", false));
    VOX_ASSIGN_OR_RETURN(info.name_english,
                         r.String(*language, "name_english", "language.name_english", false));
    VOX_ASSIGN_OR_RETURN(info.country_english,
                         r.String(*language, "country_english", "language.country_english", false));
  }
  // Older exports carry only the espeak voice: it names the language too.
  if (info.code.empty()) info.code = config.espeak_voice;
  if (info.code.empty()) return r.Fail("language.code", "is missing (and so is espeak.voice)");
  if (info.family.empty()) info.family = info.code.substr(0, info.code.find_first_of("_-"));
  // "_US" or "-x": no language to normalize text for or to match a request's against.
  if (info.family.empty())
    return r.Fail("language.code", "\"" + info.code + "\" names no language");
  return {};
}

Status ParseInference(const Reader& r, const Json& root, VoiceConfig& config) {
  VOX_ASSIGN_OR_RETURN(const Json* inference, r.Object(root, "inference", "inference", false));
  if (inference == nullptr) return {};
  InferenceDefaults& d = config.inference;
  VOX_ASSIGN_OR_RETURN(d.noise_scale, r.Number(*inference, "noise_scale", "inference.noise_scale",
                                               d.noise_scale, 0));
  VOX_ASSIGN_OR_RETURN(d.length_scale, r.Number(*inference, "length_scale",
                                                "inference.length_scale", d.length_scale, 1e-3));
  VOX_ASSIGN_OR_RETURN(d.noise_w,
                       r.Number(*inference, "noise_w", "inference.noise_w", d.noise_w, 0));
  VOX_ASSIGN_OR_RETURN(const Json* silence,
                       r.Object(*inference, "phoneme_silence", "inference.phoneme_silence", false));
  if (silence == nullptr) return {};
  for (const auto& [key, value] : silence->items()) {
    const std::string field = Key("inference.phoneme_silence", key);
    VOX_ASSIGN_OR_RETURN(char32_t phoneme, r.CodePoint(key, field));
    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0 ||
        value.get<double>() > 60) {
      return r.Fail(field, "must be a number of seconds (0..60)");
    }
    config.phoneme_silence[phoneme] = value.get<double>();
  }
  return {};
}

Status ParsePhonemeMaps(const Reader& r, const Json& root, VoiceConfig& config) {
  VOX_ASSIGN_OR_RETURN(const Json* map, r.Object(root, "phoneme_map", "phoneme_map", false));
  if (map != nullptr) {
    for (const auto& [key, value] : map->items()) {
      const std::string field = Key("phoneme_map", key);
      VOX_ASSIGN_OR_RETURN(char32_t from, r.CodePoint(key, field));
      if (!value.is_array()) return r.Fail(field, "must be a list of phonemes");
      std::vector<char32_t>& to = config.phoneme_map[from];
      for (const Json& item : value) {
        if (!item.is_string()) return r.Fail(field, "must be a list of strings");
        VOX_ASSIGN_OR_RETURN(char32_t cp, r.CodePoint(item.get<std::string>(), field));
        to.push_back(cp);
      }
    }
  }
  VOX_ASSIGN_OR_RETURN(const Json* ids, r.Object(root, "phoneme_id_map", "phoneme_id_map", true));
  int64_t max_id = -1;
  for (const auto& [key, value] : ids->items()) {
    const std::string field = Key("phoneme_id_map", key);
    VOX_ASSIGN_OR_RETURN(char32_t phoneme, r.CodePoint(key, field));
    if (!value.is_array() || value.empty()) return r.Fail(field, "must be a non-empty list of ids");
    std::vector<int64_t>& to = config.phoneme_id_map[phoneme];
    for (const Json& item : value) {
      VOX_ASSIGN_OR_RETURN(int64_t id, r.Integer(item, field, 0, 1 << 20));
      to.push_back(id);
      max_id = std::max(max_id, id);
    }
  }
  for (const char* symbol : {"^", "_", "$"}) {
    if (!config.phoneme_id_map.contains(static_cast<char32_t>(symbol[0]))) {
      return r.Fail(Key("phoneme_id_map", symbol),
                    "is missing (Piper's sentence start ^, pad _ and end $ are required)");
    }
  }
  const Json* symbols = Reader::Find(root, "num_symbols");
  if (symbols == nullptr) {
    config.num_symbols = static_cast<int>(max_id + 1);
  } else {
    VOX_ASSIGN_OR_RETURN(int64_t n, r.Integer(*symbols, "num_symbols", 1, 1 << 20));
    if (n <= max_id) {
      return r.Fail("num_symbols", fmt::format("{} but phoneme_id_map uses id {}", n, max_id));
    }
    config.num_symbols = static_cast<int>(n);
  }
  return {};
}

Status ParseSpeakers(const Reader& r, const Json& root, VoiceConfig& config) {
  const Json* speakers = Reader::Find(root, "num_speakers");
  if (speakers == nullptr) return r.Fail("num_speakers", "is missing");
  VOX_ASSIGN_OR_RETURN(int64_t n, r.Integer(*speakers, "num_speakers", 1, 1 << 20));
  config.num_speakers = static_cast<int>(n);
  VOX_ASSIGN_OR_RETURN(const Json* map, r.Object(root, "speaker_id_map", "speaker_id_map", false));
  if (map == nullptr) return {};
  for (const auto& [name, value] : map->items()) {
    const std::string field = Key("speaker_id_map", name);
    if (name.empty() || !text::ValidateUtf8(name)) return r.Fail(field, "is not a speaker name");
    VOX_ASSIGN_OR_RETURN(int64_t sid, r.Integer(value, field, 0, config.num_speakers - 1));
    config.speaker_id_map[name] = static_cast<int>(sid);
  }
  return {};
}

}  // namespace

std::string LicenseFromModelCard(const std::string& card) {
  std::istringstream lines(card);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t at = line.find("License:");
    if (at == std::string::npos) continue;
    std::string value = line.substr(at + 8);
    const std::size_t begin = value.find_first_not_of(" \t");
    const std::size_t end = value.find_last_not_of(" \t\r");
    if (begin != std::string::npos) return value.substr(begin, end - begin + 1);
  }
  return {};
}

namespace {

std::filesystem::path ModelCardFor(const std::filesystem::path& json_path) {
  namespace fs = std::filesystem;
  std::string name = json_path.filename().string();
  name = name.substr(0, name.size() - std::string_view(".onnx.json").size());
  std::error_code ec;
  fs::path own = json_path.parent_path() / (name + ".MODEL_CARD");
  if (fs::is_regular_file(own, ec)) return own;
  fs::path shared = json_path.parent_path() / "MODEL_CARD";
  if (!fs::is_regular_file(shared, ec)) return {};
  int voices = 0;
  for (const auto& entry : fs::directory_iterator(json_path.parent_path(), ec)) {
    voices += entry.path().extension() == ".onnx";
  }
  return voices <= 1 ? shared : fs::path();
}

}  // namespace

std::string LanguageInfo::Bcp47() const {
  std::string tag = code;
  for (char& c : tag) {
    if (c == '_') c = '-';
  }
  return tag;
}

bool VoiceConfig::IsEnglish() const { return text::IsEnglish(language.family); }

Result<VoiceConfig> ParseVoiceConfig(const nlohmann::json& root, const std::string& source) {
  Reader r(source);
  if (!root.is_object()) return r.Fail("(root)", "must be a JSON object");
  VoiceConfig config;
  VOX_ASSIGN_OR_RETURN(const Json* audio, r.Object(root, "audio", "audio", true));
  const Json* rate = Reader::Find(*audio, "sample_rate");
  if (rate == nullptr) return r.Fail("audio.sample_rate", "is missing");
  VOX_ASSIGN_OR_RETURN(int64_t sample_rate, r.Integer(*rate, "audio.sample_rate", 4000, 192000));
  config.sample_rate = static_cast<int>(sample_rate);
  VOX_ASSIGN_OR_RETURN(config.quality, r.String(*audio, "quality", "audio.quality", false));

  VOX_ASSIGN_OR_RETURN(std::string type, r.String(root, "phoneme_type", "phoneme_type", false));
  if (type == "text") {
    config.phoneme_type = PhonemeType::kText;
  } else if (!type.empty() && type != "espeak") {
    return r.Fail("phoneme_type", fmt::format("\"{}\" is not supported (espeak or text)", type));
  }
  VOX_ASSIGN_OR_RETURN(const Json* espeak, r.Object(root, "espeak", "espeak",
                                                    config.phoneme_type == PhonemeType::kEspeak));
  if (espeak != nullptr) {
    VOX_ASSIGN_OR_RETURN(
        config.espeak_voice,
        r.String(*espeak, "voice", "espeak.voice", config.phoneme_type == PhonemeType::kEspeak));
  }
  VOX_RETURN_IF_ERROR(ParseLanguage(r, root, config));
  VOX_RETURN_IF_ERROR(ParseInference(r, root, config));
  VOX_RETURN_IF_ERROR(ParsePhonemeMaps(r, root, config));
  VOX_RETURN_IF_ERROR(ParseSpeakers(r, root, config));
  VOX_ASSIGN_OR_RETURN(config.dataset, r.String(root, "dataset", "dataset", false));
  VOX_ASSIGN_OR_RETURN(config.piper_version,
                       r.String(root, "piper_version", "piper_version", false));
  VOX_ASSIGN_OR_RETURN(config.license, r.String(root, "license", "license", false));
  VOX_ASSIGN_OR_RETURN(config.version, r.String(root, "version", "version", false));
  if (!config.version.empty() && !IsValidModelName(config.version)) {
    return InvalidArgument(
        fmt::format("voice config '{}': version may hold only A-Z a-z 0-9 . _ -", source),
        "config");
  }
  return config;
}

Result<VoiceConfig> LoadVoiceConfig(const std::filesystem::path& json_path) {
  namespace fs = std::filesystem;
  const std::string source = json_path.string();
  std::error_code ec;
  const auto size = fs::file_size(json_path, ec);
  if (ec) return NotFound(fmt::format("voice config '{}': {}", source, ec.message()), "config");
  if (size > kMaxConfigBytes) {
    return InvalidArgument(fmt::format("voice config '{}' is {} bytes; the limit is {}", source,
                                       size, kMaxConfigBytes),
                           "config");
  }
  std::ifstream in(json_path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return Unavailable(fmt::format("cannot read voice config '{}'", source));
  Json root = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return InvalidArgument(fmt::format("voice config '{}' is not valid JSON", source), "config");
  }
  VOX_ASSIGN_OR_RETURN(VoiceConfig config, ParseVoiceConfig(root, source));
  if (fs::path card = ModelCardFor(json_path); !card.empty()) {
    std::ifstream card_in(card, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(card_in)), std::istreambuf_iterator<char>());
    if (text.size() <= kMaxConfigBytes && text::ValidateUtf8(text)) {
      config.model_card = std::move(text);
      if (config.license.empty()) config.license = LicenseFromModelCard(config.model_card);
    }
  }
  return config;
}

}  // namespace vox::piper
