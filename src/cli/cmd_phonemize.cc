// vox phonemize: a Piper voice's phonemes and ids for a text, exactly what
// the voice's model would be fed; the tool to reach for when a word sounds
// wrong. Reads only the voice's NAME.onnx.json: the graph is never loaded.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/errors.h"
#include "piper/model_directory.h"
#include "piper/phonemizer.h"
#include "piper/voice_id.h"

namespace vox::cli {
namespace {

struct PhonemizeOptions {
  std::string voice;
  std::string text;
  std::string models;
  std::string data_dir = "data";
  bool json = false;
  bool no_normalize = false;
};

Status RunPhonemize(const PhonemizeOptions& o) {
  if (o.voice.empty()) return InvalidArgument("a Piper voice id is required", "voice");
  VOX_ASSIGN_OR_RETURN(piper::VoiceIdParts id, piper::ParseVoiceId(o.voice));
  VOX_ASSIGN_OR_RETURN(auto models,
                       piper::ModelDirectory::Scan(piper::ModelDirFrom(o.models, o.data_dir)));
  VOX_ASSIGN_OR_RETURN(piper::PiperVoice voice, models.Resolve(o.voice));
  piper::PhonemizeOptions options;
  options.prepare = !o.no_normalize;
  VOX_ASSIGN_OR_RETURN(piper::Phonemization result,
                       piper::Phonemize(voice.package->config, o.text, options));
  if (!result.missing.empty()) {
    std::fprintf(stderr, "vox phonemize: warning: not in %s's phoneme_id_map, skipped: %s\n",
                 id.name.c_str(), result.MissingSummary().c_str());
  }
  if (o.json) {
    nlohmann::ordered_json sentences = nlohmann::ordered_json::array();
    for (const auto& s : result.sentences) {
      sentences.push_back({{"text", s.text}, {"phonemes", s.phonemes}, {"ids", s.ids}});
    }
    std::cout << nlohmann::ordered_json{{"sentences", sentences}}.dump() << "\n";
    return {};
  }
  for (const auto& s : result.sentences) {
    std::cout << s.phonemes << "\t# " << s.text << "\n";
  }
  return {};
}

}  // namespace

void AddPhonemizeCommand(CLI::App& app) {
  auto options = std::make_shared<PhonemizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "phonemize",
      "Print a Piper voice's phonemes and ids for a text, sentence by sentence. Reads only the "
      "voice's NAME.onnx.json (the graph is never loaded: a placeholder NAME.onnx is enough).");
  cmd->add_option("-v,--voice", options->voice, "Piper voice id: piper-NAME or piper-NAME:SPEAKER");
  cmd->add_option("-t,--text", options->text, "Text to phonemize");
  cmd->add_option("--models,--model-dir", options->models,
                  "Directory of Piper voices (default: DATA/models)")
      ->envname("VOX_MODEL_DIR");
  cmd->add_option("--data", options->data_dir, "Data directory (its models/ holds the voices)")
      ->envname("VOX_DATA_DIR")
      ->capture_default_str();
  cmd->add_flag("--json", options->json,
                "Print {\"sentences\":[{\"text\",\"phonemes\",\"ids\"}]} instead of lines");
  cmd->add_flag("--no-normalize", options->no_normalize,
                "Give espeak the text as is: no sentence splitting or English normalization");
  cmd->callback([options] { ExitOnError("phonemize", RunPhonemize(*options)); });
}

}  // namespace vox::cli
