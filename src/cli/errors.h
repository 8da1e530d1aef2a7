// How the CLI reports a failed command: one line on stderr naming the option
// at fault, and an exit code scripts can rely on (commands.h).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "common/status.h"

namespace vox::cli {

// Maps an Error's field to the CLI option that carries it.
inline std::string OptionFor(const std::string& field) {
  if (field == "voice" || field == "voice_id") return "--voice";
  if (field == "sample_rate") return "--sample-rate";
  if (field == "output") return "--out";
  if (field == "bitrate") return "--bitrate";
  if (field == "target_lufs") return "--loudness";
  if (field == "consent_audio") return "--consent";
  if (field == "speaker_name") return "--speaker-name";
  if (field == "files") return "FILES";
  // Environment variables are named as they are (AWS_*: the S3 credentials).
  if (field.empty() || field.starts_with("--") || field.starts_with("VOX_") ||
      field.starts_with("AWS_")) {
    return field;
  }
  return "--" + field;
}

[[noreturn]] inline void Fail(const char* command, const Error& e) {
  std::string option = OptionFor(e.field);
  std::fprintf(stderr, "vox %s: error: %s%s\n", command, e.message.c_str(),
               option.empty() ? "" : (" (" + option + ")").c_str());
  bool usage = e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kUnprocessable ||
               e.code == ErrorCode::kNotFound;
  std::exit(usage ? kExitUsage : kExitFailure);
}

inline void ExitOnError(const char* command, const Status& s) {
  if (!s) Fail(command, s.error());
}

}  // namespace vox::cli
