#include "api/openai/voice_table.h"

#include <algorithm>
#include <cctype>

namespace vox::api::openai {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<VoiceTable> VoiceTable::Create(std::string_view overrides) {
  VoiceTable t;
  t.entries_ = {{"alloy", "flite-slt"},      {"nova", "flite-slt"},         {"marin", "flite-slt"},
                {"echo", "flite-rms"},       {"ash", "flite-rms"},          {"cedar", "flite-rms"},
                {"fable", "flite-awb"},      {"ballad", "flite-awb"},       {"onyx", "flite-kal16"},
                {"coral", "espeak-en-us-f"}, {"shimmer", "espeak-en-us-f"}, {"sage", "espeak-en-f"},
                {"verse", "espeak-en-us"}};
  while (!Trim(overrides).empty()) {
    size_t comma = overrides.find(',');
    std::string_view item = Trim(overrides.substr(0, comma));
    overrides = comma == std::string_view::npos ? std::string_view() : overrides.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || Trim(item.substr(0, eq)).empty() ||
        Trim(item.substr(eq + 1)).empty()) {
      return InvalidArgument(
          "expected NAME=VOICE_ID pairs separated by commas, got '" + std::string(item) + "'",
          "VOX_OPENAI_VOICES");
    }
    t.entries_[Lower(Trim(item.substr(0, eq)))] = std::string(Trim(item.substr(eq + 1)));
  }
  return t;
}

std::string VoiceTable::Resolve(std::string_view name) const {
  auto it = entries_.find(Lower(name));
  return it == entries_.end() ? std::string(name) : it->second;
}

bool IsKnownModel(std::string_view model) {
  return model == "tts-1" || model == "tts-1-hd" || model == "gpt-4o-mini-tts" ||
         model.starts_with("gpt-4o-mini-tts-") || model.starts_with("tts-1-");
}

}  // namespace vox::api::openai
