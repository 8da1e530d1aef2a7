// The reference the phonemizer is checked against: the espeak-ng command
// line in IPA mode, which prints one clause per line.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace vox::piper::testing {

// `espeak-ng -q --ipa -v VOICE 'TEXT'` (TEXT must not hold a single quote),
// one trimmed line per clause.
inline std::vector<std::string> EspeakCommandLine(const std::string& voice,
                                                  const std::string& text) {
  std::vector<std::string> lines;
  FILE* pipe = ::popen(("espeak-ng -q --ipa -v " + voice + " '" + text + "'").c_str(), "r");
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof(buffer), pipe) != nullptr) {
    std::string line = buffer;
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (!line.empty()) lines.push_back(line);
  }
  if (pipe != nullptr) ::pclose(pipe);
  return lines;
}

}  // namespace vox::piper::testing
