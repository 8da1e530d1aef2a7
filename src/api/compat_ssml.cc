#include "api/compat_ssml.h"

#include "ssml/ssml_parser.h"

namespace vox::api {

bool StartsAsSsml(std::string_view text) {
  const size_t at = text.find_first_not_of(" \t\r\n\f\v");
  if (at == std::string_view::npos) return false;
  constexpr std::string_view kOpen = "<speak";
  const std::string_view rest = text.substr(at);
  if (!rest.starts_with(kOpen)) return false;
  if (rest.size() == kOpen.size()) return true;  // a truncated document: its error is SSML's
  const char next = rest[kOpen.size()];
  return next == '>' || next == '/' || next == ' ' || next == '\t' || next == '\r' || next == '\n';
}

Result<bool> CompatTextIsSsml(std::string_view text, bool enabled) {
  if (!enabled || !StartsAsSsml(text)) return false;
  // The native route's limits: ParseLimits' defaults and its byte bound. The routes' own
  // character limits (4,096 and 10,000, markup counted) are far below it; the plan parses the
  // document again under the server's text limits (Synthesizer::PrepareSsml).
  if (auto doc = ssml::Parse(text); !doc) return std::unexpected(doc.error());
  return true;
}

}  // namespace vox::api
