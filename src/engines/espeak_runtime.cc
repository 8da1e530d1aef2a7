#include "engines/espeak_runtime.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <fmt/format.h>

namespace vox::engines {
namespace {

struct Runtime {
  std::mutex mu;
  bool initialized = false;
  std::string data_dir;
  std::string version;
  int sample_rate = 0;
  std::string current_voice;  // selected last; "" if unknown
};

Runtime& GetRuntime() {
  static Runtime* runtime = new Runtime;  // never destroyed: other statics may still use it
  return *runtime;
}

std::string StatusMessage(espeak_ng_STATUS status) {
  char buffer[256] = {};
  espeak_ng_GetStatusCodeMessage(status, buffer, sizeof(buffer));
  return buffer;
}

// Until a user installs its own, synthesized samples are dropped.
int DiscardSamples(short*, int, espeak_EVENT*) { return 0; }

Status InitializeLocked(Runtime& rt, const std::string& data_dir) {
  espeak_ng_InitializePath(data_dir.empty() ? nullptr : data_dir.c_str());
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  espeak_ng_ClearErrorContext(&context);
  if (status != ENS_OK) {
    return Unavailable(fmt::format("espeak-ng failed to load its data{}: {}",
                                   data_dir.empty() ? "" : " from '" + data_dir + "'",
                                   StatusMessage(status)));
  }
  status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
  if (status != ENS_OK) {
    return Unavailable("espeak-ng output setup failed: " + StatusMessage(status));
  }
  espeak_SetSynthCallback(DiscardSamples);
  const char* path = nullptr;
  rt.version = espeak_Info(&path);
  rt.sample_rate = espeak_ng_GetSampleRate();
  rt.data_dir = data_dir;
  rt.initialized = true;
  return {};
}

}  // namespace

Result<EspeakSession> EspeakSession::Open(const std::string& data_dir) {
  Runtime& rt = GetRuntime();
  std::unique_lock<std::mutex> lock(rt.mu);
  if (!rt.initialized) {
    VOX_RETURN_IF_ERROR(InitializeLocked(rt, data_dir));
  } else if (data_dir != rt.data_dir) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("espeak-ng is already initialized with data dir '{}' in this "
                                 "process; it cannot also use '{}'",
                                 rt.data_dir, data_dir),
                     "espeak_data_dir");
  }
  return EspeakSession(std::move(lock));
}

Result<EspeakSession> EspeakSession::OpenAny() {
  Runtime& rt = GetRuntime();
  std::unique_lock<std::mutex> lock(rt.mu);
  if (!rt.initialized) VOX_RETURN_IF_ERROR(InitializeLocked(rt, {}));
  return EspeakSession(std::move(lock));
}

Status EspeakSession::SelectVoice(const std::string& name) {
  Runtime& rt = GetRuntime();
  if (rt.current_voice == name) return {};
  // Switching language reloads its dictionary: skipped above when unchanged.
  rt.current_voice.clear();
  const espeak_ng_STATUS status = espeak_ng_SetVoiceByName(name.c_str());
  if (status != ENS_OK) {
    return Internal(
        fmt::format("espeak-ng could not select voice '{}': {}", name, StatusMessage(status)));
  }
  static constexpr char kEmpty[] = "";
  espeak_ng_Synthesize(kEmpty, sizeof(kEmpty), 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr,
                       nullptr);
  rt.current_voice = name;
  return {};
}

const std::string& EspeakSession::version() const { return GetRuntime().version; }
int EspeakSession::sample_rate() const { return GetRuntime().sample_rate; }

}  // namespace vox::engines
