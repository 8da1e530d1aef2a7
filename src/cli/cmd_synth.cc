// vox synth: text in, audio file out, offline.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "audio/audio_file_writer.h"
#include "audio/format.h"
#include "cli/commands.h"
#include "cli/engine_setup.h"
#include "cli/errors.h"
#include "cli/open_store.h"
#include "cli/platform_config.h"
#include "cloning/voice_resolver.h"
#include "engines/engine_registry.h"
#include "engines/synthesizer.h"
#include "store/store.h"
#include "text/normalizer.h"

namespace vox::cli {
namespace {

struct SynthOptions {
  std::string models;  // Piper voices (--models / VOX_MODEL_DIR)
  std::string text;
  std::string input;
  std::string voice;
  std::string language;
  std::string format;
  int sample_rate = 0;
  int bitrate = 0;
  double speed = 1.0;
  double pitch = 1.0;
  double loudness = 0;      // 0: off
  text::TextLimits limits;  // --max-chars / VOX_MAX_TEXT_CHARS, --max-audio-seconds
  std::string out;
  std::string data_dir = "data";  // where cloned voices live (`vox clone`)
  std::string database_url;
};

// A cloned voice id: its base voice and conversion, from the data directory.
Status BindClone(SynthOptions& o, engines::SynthesisParams& params) {
  if (!cloning::IsCloneId(o.voice)) return {};
  PlatformConfig config;
  config.data_dir = o.data_dir;
  config.database_url = o.database_url;
  VOX_RETURN_IF_ERROR(config.Finalize());
  VOX_ASSIGN_OR_RETURN(auto store, OpenConfiguredStore(config));
  VOX_RETURN_IF_ERROR(store->Migrate());
  VOX_ASSIGN_OR_RETURN(auto voice,
                       cloning::VoiceResolver(*store).ForSynthesis(o.voice, std::nullopt));
  o.voice = voice.EngineVoice(params);
  return {};
}

// Reads at most max_bytes + 1 so an oversized input is refused without
// loading it whole.
Result<std::string> ReadInput(const std::string& path, size_t max_bytes) {
  std::string data;
  auto read_from = [&](std::istream& in) {
    data.resize(max_bytes + 1);
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<size_t>(in.gcount()));
    return !in.bad();
  };
  bool ok;
  if (path == "-") {
    ok = read_from(std::cin);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return InvalidArgument("cannot read input file '" + path + "'", "input");
    ok = read_from(in);
  }
  if (!ok) return InvalidArgument("failed reading '" + path + "'", "input");
  if (data.size() > max_bytes) {
    return MakeError(ErrorCode::kUnprocessable, "input is larger than the limit (see --max-chars)",
                     "input");
  }
  return data;
}

// SIGTERM/SIGINT stop the synthesis between sentences, so the temporary files
// are removed on the way out; the signal is then re-raised for the caller.
volatile std::sig_atomic_t g_stop_signal = 0;

class StopSignals {
 public:
  StopSignals() {
    for (int sig : {SIGTERM, SIGINT}) {
      struct sigaction action {};
      action.sa_handler = [](int s) { g_stop_signal = s; };
      sigemptyset(&action.sa_mask);
      ::sigaction(sig, &action, sig == SIGTERM ? &old_term_ : &old_int_);
    }
  }
  ~StopSignals() {
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::sigaction(SIGINT, &old_int_, nullptr);
  }
  static bool stopped() { return g_stop_signal != 0; }
  // After cleanup: die of the signal, as if it had never been caught.
  static void ReRaise() {
    if (g_stop_signal == 0) return;
    std::signal(g_stop_signal, SIG_DFL);
    std::raise(g_stop_signal);
  }

 private:
  struct sigaction old_term_ {
  }, old_int_{};
};

// A path for stdout output, removed on every way out.
struct TempOutput {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("vox-synth-" + std::to_string(::getpid()) + ".tmp"))
                         .string();
  ~TempOutput() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

Status CopyToStdout(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::cout << in.rdbuf();
  std::cout.flush();
  if (!std::cout) return MakeError(ErrorCode::kUnavailable, "failed writing to stdout", "output");
  return {};
}

// --format wins; otherwise the output file's extension; otherwise wav.
std::string ChooseFormat(const SynthOptions& o) {
  if (!o.format.empty()) return o.format;
  auto dot = o.out.rfind('.');
  if (o.out != "-" && dot != std::string::npos) {
    std::string ext = o.out.substr(dot + 1);
    if (audio::ParseFormat(ext)) return ext;
  }
  return "wav";
}

// Loads only the engine a request can need: starting eSpeak NG costs more
// than synthesizing a short sentence with Flite. Aliases ("slt", "de") and
// anything ambiguous load both.
engines::EnginesConfig EnginesFor(const SynthOptions& o) {
  engines::EnginesConfig config;
  std::string voice = o.voice;
  std::transform(voice.begin(), voice.end(), voice.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (voice.starts_with("espeak-")) {
    config.flite = false;
  } else if (voice.starts_with("flite-") ||
             (voice.empty() && (o.language.empty() || text::IsEnglish(o.language)))) {
    config.espeak = false;
  }
  return config;
}

Status RunSynth(SynthOptions& o) {
  if (o.text.empty() == o.input.empty()) {
    return InvalidArgument("give exactly one of --text or --input (use --input - for stdin)",
                           "text");
  }
  if (auto s = o.limits.Validate(); !s) {
    return InvalidArgument(s.error().message, "max-chars");
  }
  std::string text = o.text;
  if (!o.input.empty()) {
    VOX_ASSIGN_OR_RETURN(text, ReadInput(o.input, o.limits.MaxUtf8Bytes()));
  }

  VOX_ASSIGN_OR_RETURN(audio::Format format, audio::ParseFormat(ChooseFormat(o)));
  engines::SynthesisParams params;
  VOX_RETURN_IF_ERROR(BindClone(o, params));
  VOX_ASSIGN_OR_RETURN(
      auto registry,
      OpenEngines({.builtin = EnginesFor(o), .models_flag = o.models, .data_dir = o.data_dir}));
  engines::Synthesizer synthesizer(*registry);
  params.speed = o.speed;
  params.pitch = o.pitch;
  params.language = o.language;
  VOX_ASSIGN_OR_RETURN(engines::SynthesisPlan plan,
                       synthesizer.Prepare(text, o.voice, params, o.limits));

  audio::EncodeOptions encode;
  encode.format = format;
  encode.sample_rate = o.sample_rate;
  encode.bitrate_kbps = o.bitrate;
  if (o.loudness != 0) encode.target_lufs = o.loudness;
  // libsndfile cannot write WAV/FLAC headers to a pipe, so stdout output is
  // encoded to a temporary file first and then copied out.
  TempOutput temp;
  const std::string path = o.out == "-" ? temp.path : o.out;
  VOX_ASSIGN_OR_RETURN(auto writer,
                       audio::AudioFileWriter::Open(path, encode, plan.voice.sample_rate));
  VOX_RETURN_IF_ERROR(synthesizer.Run(
      plan, [&](const audio::PcmBuffer& chunk) { return writer->Write(chunk); },
      [] { return StopSignals::stopped(); }));
  VOX_RETURN_IF_ERROR(writer->Finish());
  return o.out == "-" ? CopyToStdout(path) : Status{};
}

Status RunSynthUntilStopped(SynthOptions& o) {
  StopSignals signals;
  Status result = RunSynth(o);  // its temporary files are gone when it returns
  StopSignals::ReRaise();
  return result;
}

}  // namespace

void AddSynthCommand(CLI::App& app) {
  auto options = std::make_shared<SynthOptions>();
  CLI::App* cmd = app.add_subcommand("synth", "Synthesize text to an audio file (offline).");
  cmd->add_option("-t,--text", options->text, "Text to speak");
  cmd->add_option("-i,--input", options->input, "Read the text from FILE ('-' for stdin)");
  cmd->add_option("-v,--voice", options->voice,
                  "Voice id or alias (see `vox voices`), or a cloned voice's id (`vox clone`); "
                  "default: the language's default voice");
  cmd->add_option("--data", options->data_dir, "Data directory holding cloned voices")
      ->envname("VOX_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--database-url", options->database_url,
                  "Database of cloned voices (default: sqlite://DATA/vox.db)")
      ->envname("VOX_DATABASE_URL");
  cmd->add_option("--models,--model-dir", options->models,
                  "Directory of Piper voices (default: DATA/models when --data is given)")
      ->envname("VOX_MODEL_DIR");
  cmd->add_option("-l,--language", options->language,
                  "BCP-47 language (en, de, fr, es, it, pt, nl, pl, ru, hi, zh, ...)");
  cmd->add_option("-f,--format", options->format,
                  "wav, mp3, opus, flac or pcm; default: from --out's extension, else wav");
  cmd->add_option("-r,--sample-rate", options->sample_rate,
                  "Output sample rate in Hz (8000..48000); default: the voice's own");
  cmd->add_option("--bitrate", options->bitrate, "MP3/Opus bitrate in kbps");
  cmd->add_option("-s,--speed", options->speed, "Speaking rate, 0.25..4.0")->capture_default_str();
  cmd->add_option("-p,--pitch", options->pitch, "Pitch factor, 0.5..2.0")->capture_default_str();
  cmd->add_option("--loudness", options->loudness,
                  "Normalize to this integrated loudness in LUFS (e.g. -16)");
  cmd->add_option("--max-chars", options->limits.max_chars, "Refuse longer texts")
      ->envname("VOX_MAX_TEXT_CHARS")
      ->capture_default_str();
  cmd->add_option("--max-audio-seconds", options->limits.max_audio_seconds,
                  "Refuse texts that would speak longer (estimated; 0: no cap)")
      ->envname("VOX_MAX_AUDIO_SECONDS")
      ->capture_default_str();
  cmd->add_option("-o,--out", options->out, "Output file ('-' for stdout)")->required();
  cmd->callback([options] { ExitOnError("synth", RunSynthUntilStopped(*options)); });
}

}  // namespace vox::cli
