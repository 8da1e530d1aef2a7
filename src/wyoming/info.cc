#include "wyoming/info.h"

#include <map>
#include <string_view>

namespace vox::wyoming {
namespace {

nlohmann::json Attribution(std::string_view engine) {
  static const std::map<std::string_view, std::string_view> kUrls = {
      {"flite", "http://cmuflite.org"},
      {"espeak-ng", "https://github.com/espeak-ng/espeak-ng"},
      {"piper", "https://github.com/rhasspy/piper"}};
  auto it = kUrls.find(engine);
  return {{"name", engine}, {"url", it == kUrls.end() ? "" : it->second}};
}

}  // namespace

nlohmann::json BuildInfoData(const engines::EngineRegistry& registry) {
  auto voices = registry.ListVoices();
  std::map<std::string, size_t> index;  // voice id -> position in `listed`
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& voice : voices) {
    size_t colon = voice.id.find(':');
    if (colon != std::string::npos) {
      if (auto base = index.find(voice.id.substr(0, colon)); base != index.end()) {
        auto& speakers = listed[base->second]["speakers"];
        if (speakers.is_null()) speakers = nlohmann::json::array();
        speakers.push_back({{"name", voice.id.substr(colon + 1)}});
        continue;
      }
    }
    index[voice.id] = listed.size();
    listed.push_back({{"name", voice.id},
                      {"attribution", Attribution(voice.engine)},
                      {"installed", true},
                      {"description", voice.description.empty() ? voice.id : voice.description},
                      {"version", voice.engine_version},
                      {"languages", nlohmann::json::array({voice.language})},
                      {"speakers", nullptr}});
  }
  nlohmann::json program = {{"name", "vox"},
                            {"attribution", {{"name", "Vox"}, {"url", ""}}},
                            {"installed", true},
                            {"description", "Vox text to speech"},
                            {"version", "0.1.0"},
                            {"voices", std::move(listed)},
                            {"supports_synthesize_streaming", true}};
  return {{"asr", nlohmann::json::array()},
          {"tts", nlohmann::json::array({program})},
          {"handle", nlohmann::json::array()},
          {"intent", nlohmann::json::array()},
          {"wake", nlohmann::json::array()}};
}

}  // namespace vox::wyoming
