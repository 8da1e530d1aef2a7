// Installing and removing Piper voice packages in a model directory, so that
// a reader (a scan, a server's reload) never sees half a voice.
//
// Install: the .onnx (and its config and model card) are fetched into hidden
// temporary files in the model directory itself (same file system, so the
// final renames are atomic), hashed and size-limited while they arrive, the
// sha256 checked, the config validated, the graph validated by the caller's
// validator, everything fsynced, then renamed into place with the config
// last: the voice exists from that rename on. Remove does the reverse, config
// first. Any failure removes what it wrote: nothing half-installed stays.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "common/status.h"
#include "piper/voice_config.h"

namespace vox::piper {

// Proves a fetched model runs (loads its graph), before it is installed.
// Called with the temporary .onnx path and its parsed config; an error
// refuses the install. The ONNX runtime lives elsewhere: callers pass it in.
using GraphValidator =
    std::function<Status(const std::filesystem::path& model, const VoiceConfig& config)>;

struct InstallOptions {
  // Expected sha256 of the .onnx (hex). Empty: read it from the sidecar
  // SOURCE.sha256 beside the file or URL ("HEX" or sha256sum's "HEX  NAME").
  std::string sha256;
  std::uintmax_t max_bytes = std::uintmax_t{1} << 30;  // the .onnx; 1 GiB
  bool replace = false;           // an installed voice of the same name is replaced
  GraphValidator validate_graph;  // empty: no graph check
};

struct InstalledVoice {
  std::string name;  // NAME: the voice is piper-NAME
  std::filesystem::path model_path;
  VoiceConfig config;  // dataset, license (config or model card) for the caller to show
  std::string sha256;
};

// Installs `source` (a NAME.onnx path or http(s) URL; NAME.onnx.json must sit
// beside it; NAME.MODEL_CARD or MODEL_CARD beside it is taken when present)
// into `models_dir` (created if missing). Errors, all leaving the directory
// as it was: InvalidArgument for a name with characters outside
// [A-Za-z0-9._-], a bad config or a sha256 mismatch (field "source" or
// "sha256"); FailedPrecondition without any sha256; AlreadyExists unless
// `replace`; ResourceExhausted over max_bytes; NotFound for a missing file;
// whatever the validator returns.
Result<InstalledVoice> InstallVoice(const std::filesystem::path& models_dir,
                                    const std::string& source, const InstallOptions& options);

// Removes voice NAME (config first, then model and card). InvalidArgument for
// a name with path characters; NotFound when neither file exists.
Status RemoveVoice(const std::filesystem::path& models_dir, const std::string& name);

}  // namespace vox::piper
