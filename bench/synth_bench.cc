// Synthesis speed and memory of the offline core, against the raw engines'
// own command-line tools measured in the same run. Prints one JSON object.
//
//   per voice, for a short (~15 words) and a long (~120 words) text:
//     inproc_rtf   wall time of Synthesizer::Prepare+Run / audio seconds
//     vox_cli_rtf  the same through the `vox synth` process, WAV to disk
//     raw_cli_rtf  `flite` / `espeak-ng` writing the same text to WAV, over the
//                  duration of the audio it wrote
//     ratio        inproc_rtf / raw_cli_rtf   (target <= 1.0 on long texts)
//   peak_rss_mb    max RSS of `vox synth` on a 10,000-word input (target <= 100)
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audio/decode.h"
#include "engines/engine_registry.h"
#include "engines/synthesizer.h"

extern char** environ;

namespace {
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const char* kShort = "The quick brown fox jumps over the lazy dog near the quiet river bank today.";
const char* kLongSentences[] = {
    "Vox turns text into natural speech on a single machine, with no network and no downloads.",
    "Long documents are split into sentences, and each sentence is synthesized and encoded in turn.",
    "That keeps memory flat, lets the first audio arrive early, and makes cancellation prompt.",
    "The engines behind it are Flite, for its English voices, and eSpeak NG, for many languages.",
    "Every voice carries a manifest with its engine, version, language, gender and sample rate.",
    "Numbers such as 1,250 and dates like March 3rd are read the way a person would read them.",
    "The result can be written as WAV, MP3, Ogg Opus, FLAC or raw PCM at any common sample rate.",
    "This paragraph exists to measure how fast all of that happens compared with the raw tools.",
};

std::string LongText() {
  std::string out;
  for (const char* s : kLongSentences) out += std::string(s) + " ";
  return out;
}

struct ChildRun {
  double wall_s = 0;
  long max_rss_kb = 0;
  int status = -1;
};

ChildRun Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  ChildRun run;
  auto start = Clock::now();
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return run;
  rusage usage{};
  int status = 0;
  wait4(pid, &status, 0, &usage);
  run.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  run.max_rss_kb = usage.ru_maxrss;
  run.status = status;
  posix_spawn_file_actions_destroy(&actions);
  return run;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Measured {
  double inproc_s = 0, vox_cli_s = 0, raw_cli_s = 0;
  double audio_s = 0;      // what Vox produced
  double raw_audio_s = 0;  // what the raw tool produced for the same text
};

Measured Measure(const vox::engines::Synthesizer& synth, const std::string& vox_bin,
                 const vox::engines::VoiceInfo& voice, const std::string& text, int repeats,
                 const fs::path& tmp) {
  Measured m;
  std::vector<double> inproc, vox_cli, raw_cli;
  for (int i = 0; i < repeats; ++i) {
    auto start = Clock::now();
    auto plan = synth.Prepare(text, voice.id, {}, {});
    double audio = 0;
    if (plan) {
      (void)synth.Run(*plan, [&](const vox::audio::PcmBuffer& chunk) -> vox::Status {
        audio += chunk.duration_s();
        return {};
      });
    }
    inproc.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    m.audio_s = audio;

    std::string out = (tmp / "vox.wav").string();
    vox_cli.push_back(Spawn({vox_bin, "synth", "--voice", voice.id, "--text", text, "--out", out}).wall_s);

    std::string raw = (tmp / "raw.wav").string();
    if (voice.engine == "flite") {
      raw_cli.push_back(Spawn({"flite", "-voice", voice.name, "-t", text, "-o", raw}).wall_s);
    } else {
      raw_cli.push_back(Spawn({"espeak-ng", "-v", voice.name, "-w", raw, text}).wall_s);
    }
  }
  if (auto raw = vox::audio::DecodeFile((tmp / "raw.wav").string())) m.raw_audio_s = raw->duration_s();
  m.inproc_s = Median(inproc);
  m.vox_cli_s = Median(vox_cli);
  m.raw_cli_s = Median(raw_cli);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string vox_bin = argc > 1 ? argv[1] : "build/src/cli/vox";
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  auto registry = vox::engines::EngineRegistry::Create({});
  if (!registry) {
    std::cerr << registry.error().ToString() << "\n";
    return 1;
  }
  vox::engines::Synthesizer synth(**registry);
  fs::path tmp = fs::temp_directory_path() / ("vox-bench-" + std::to_string(::getpid()));
  fs::create_directories(tmp);

  nlohmann::json results = nlohmann::json::array();
  const std::vector<std::string> voices = {"flite-slt", "flite-rms",  "flite-awb",  "flite-kal16",
                                           "flite-kal", "espeak-en-us", "espeak-de"};
  for (const auto& id : voices) {
    auto ref = (*registry)->FindVoice(id);
    if (!ref) continue;
    for (auto [label, text] : {std::pair<const char*, std::string>{"short", kShort},
                               {"long", LongText()}}) {
      Measured m = Measure(synth, vox_bin, ref->voice, text, repeats, tmp);
      results.push_back({{"voice", id},
                         {"input", label},
                         {"audio_s", m.audio_s},
                         {"inproc_rtf", m.inproc_s / m.audio_s},
                         {"vox_cli_rtf", m.vox_cli_s / m.audio_s},
                         {"raw_audio_s", m.raw_audio_s},
                         {"raw_cli_rtf", m.raw_cli_s / m.raw_audio_s},
                         // Real-time factors compared, so producing more audio is not a penalty.
                         {"ratio_inproc_vs_raw", (m.inproc_s / m.audio_s) / (m.raw_cli_s / m.raw_audio_s)},
                         {"ratio_vox_cli_vs_raw", (m.vox_cli_s / m.audio_s) / (m.raw_cli_s / m.raw_audio_s)}});
      std::cerr << results.back().dump() << "\n";
    }
  }

  // 10,000 words through the CLI: peak memory must not grow with the text.
  fs::path big = tmp / "big.txt";
  {
    std::ofstream out(big);
    std::string text = LongText();
    size_t words = 0;
    while (words < 10'000) {
      out << text << "\n";
      words += static_cast<size_t>(std::count(text.begin(), text.end(), ' '));
    }
  }
  ChildRun big_run = Spawn({vox_bin, "synth", "--voice", "flite-slt", "--input", big.string(),
                            "--out", (tmp / "big.wav").string()});
  std::error_code ec;
  double big_audio_mb = static_cast<double>(fs::file_size(tmp / "big.wav", ec)) / 1e6;
  nlohmann::json out = {{"benchmark", "synth"},
                        {"repeats", repeats},
                        {"voices", results},
                        {"big_input", {{"words", 10000},
                                       {"wall_s", big_run.wall_s},
                                       {"exit_ok", WIFEXITED(big_run.status) && WEXITSTATUS(big_run.status) == 0},
                                       {"output_mb", big_audio_mb},
                                       {"peak_rss_mb", big_run.max_rss_kb / 1024.0}}}};
  std::cout << out.dump(2) << std::endl;
  fs::remove_all(tmp, ec);
  return 0;
}
