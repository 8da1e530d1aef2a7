// The in-process reference of the streaming benchmark (bench/streams.sh): how long the
// project's own Synthesizer takes, in this process, to produce the first audio of a text,
// so that each streaming route's time to first audio can be read as this plus the route's
// own overhead (issue 12: overhead <= 5 ms).
//
//   vox_first_audio_bench TEXT_FILE [VOICE=flite-slt] [REPEATS=5]
//       REPEATS rounds after a warm-up one; prints one JSON object, each figure as
//       {"median","best"}
//   vox_first_audio_bench TEXT_FILE VOICE rounds
//       a warm-up round, then one round per line read on stdin, one JSON line each (the
//       first says which sentence): streams_driver.py interleaves these rounds with the
//       routes' runs, so the reference sees the same load on the shared machine as they do
//
// A round measures
//   first_sentence_ms              Prepare + Run of the text's first sentence alone, to its
//                                  end (the reference)
//   first_sentence_first_chunk_ms  the same run, to its first chunk (the engine streams
//                                  inside a sentence, so this comes earlier)
//   text_first_chunk_ms            Prepare of the whole text + Run to its first chunk: the
//                                  work a route must do before it can send anything
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engines/engine_registry.h"
#include "engines/synthesizer.h"
#include "text/sentence_splitter.h"

namespace {
using Clock = std::chrono::steady_clock;
using vox::engines::Synthesizer;

struct Timed {
  double first_chunk_ms = -1;
  double end_ms = -1;
};

// Prepare + Run of `text`; with `stop_at_first`, the run ends at its first chunk (the sink
// cancels it), as a stream's first audio needs no more.
vox::Result<Timed> TimeRun(const Synthesizer& synth, const std::string& text,
                           const std::string& voice, bool stop_at_first) {
  Timed t;
  const auto start = Clock::now();
  auto ms = [&] { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); };
  auto plan = synth.Prepare(text, voice, {}, {});
  if (!plan) return std::unexpected(plan.error());
  vox::Status ran = synth.Run(*plan, [&](const vox::audio::PcmBuffer&) -> vox::Status {
    if (t.first_chunk_ms < 0) t.first_chunk_ms = ms();
    if (stop_at_first) return vox::MakeError(vox::ErrorCode::kCanceled, "first chunk reached");
    return {};
  });
  t.end_ms = ms();
  if (!ran && !(stop_at_first && ran.error().code == vox::ErrorCode::kCanceled)) {
    return std::unexpected(ran.error());
  }
  return t;
}

nlohmann::json Summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto round = [](double x) { return std::round(x * 100) / 100; };
  return {{"median", round(v[v.size() / 2])}, {"best", round(v.front())}};
}

// One round; false (with a message on stderr) when the synthesis failed.
bool Round(const Synthesizer& synth, const std::string& text, const std::string& first_sentence,
           const std::string& voice, nlohmann::json& out) {
  auto alone = TimeRun(synth, first_sentence, voice, false);
  auto whole = TimeRun(synth, text, voice, true);
  if (!alone || !whole) {
    std::cerr << (alone ? whole.error() : alone.error()).ToString() << "\n";
    return false;
  }
  out = {{"first_sentence_ms", alone->end_ms},
         {"first_sentence_first_chunk_ms", alone->first_chunk_ms},
         {"text_first_chunk_ms", whole->first_chunk_ms}};
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: vox_first_audio_bench TEXT_FILE [VOICE] [REPEATS|rounds]\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::string voice = argc > 2 ? argv[2] : "flite-slt";
  const bool rounds = argc > 3 && std::string(argv[3]) == "rounds";
  const int repeats = std::max(1, argc > 3 && !rounds ? std::atoi(argv[3]) : 5);
  const auto sentences = vox::text::SplitSentences(text);
  if (!in || sentences.empty()) {
    std::cerr << "no text in " << argv[1] << "\n";
    return 1;
  }
  auto registry = vox::engines::EngineRegistry::Create({});
  if (!registry) {
    std::cerr << registry.error().ToString() << "\n";
    return 1;
  }
  Synthesizer synth(**registry);
  nlohmann::json round;
  // Warms the voice and the caches up; not counted.
  if (!Round(synth, text, sentences.front(), voice, round)) return 1;

  nlohmann::json about = {{"voice", voice}, {"first_sentence", sentences.front()}};
  if (rounds) {
    std::cout << about.dump() << std::endl;
    for (std::string line; std::getline(std::cin, line);) {
      if (!Round(synth, text, sentences.front(), voice, round)) return 1;
      std::cout << round.dump() << std::endl;
    }
    return 0;
  }
  std::map<std::string, std::vector<double>> all;
  for (int i = 0; i < repeats; ++i) {
    if (!Round(synth, text, sentences.front(), voice, round)) return 1;
    for (const auto& [name, value] : round.items()) all[name].push_back(value.get<double>());
  }
  about["repeats"] = repeats;
  for (auto& [name, values] : all) about[name] = Summary(std::move(values));
  std::cout << about.dump() << std::endl;
  return 0;
}
