#include "voice/testing/test_corpus.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "audio/decode.h"
#include "voice/testing/test_psola.h"

namespace vox::voice::testing {
namespace {

std::string Replace(std::string s, const std::string& key, const std::string& value) {
  for (std::size_t pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos)) {
    s.replace(pos, key.size(), value);
    pos += value.size();
  }
  return s;
}

TestSpeaker Flite(const std::string& voice, const std::string& setf = "",
                  const std::string& suffix = "") {
  return {
      "flite-" + voice + suffix, {"flite"}, "flite -voice " + voice + setf + " -f {text} -o {out}"};
}
TestSpeaker Espeak(const std::string& voice) {
  return {"espeak-" + voice, {"espeak-ng"}, "espeak-ng -v " + voice + " -f {text} -w {out}"};
}
TestSpeaker Festival(const std::string& id, const std::string& voice) {
  return {"festival-" + id,
          {"text2wave"},
          "text2wave -eval '(" + voice + ")' {text} -o {out} 2>/dev/null"};
}
// Post-processes a base speaker's output with sox effects. -D: no dither, which
// sox otherwise adds at random, making every run's corpus slightly different.
TestSpeaker Sox(const std::string& id, const TestSpeaker& base, const std::string& effects) {
  TestSpeaker s{id, base.tools,
                Replace(base.command, "{out}", "{tmp}") + " && sox -D {tmp} {out} " + effects};
  s.tools.push_back("sox");
  return s;
}

TestSpeaker Psola(const std::string& id, TestSpeaker base, double factor) {
  base.id = id;
  base.psola_f0_factor = factor;
  return base;
}

std::vector<TestSpeaker> Extras() {
  return {
      // F0 only, +20% (the engine's own pitch control keeps the formants).
      Flite("slt", " --setf f0_shift=1.2", "-f0x1.2"),
      // 1.5x longer durations: a slower speaker.
      Flite("slt", " --setf duration_stretch=1.5", "-slow"),
  };
}

}  // namespace

std::vector<TestSpeaker> EvaluationSpeakers() {
  std::vector<TestSpeaker> s = {
      Flite("slt"),
      Flite("rms"),
      Flite("awb"),
      Flite("kal16"),
      Flite("kal"),
      Espeak("en+m1"),
      Espeak("en+m3"),
      Espeak("en+f2"),
      Espeak("en+f4"),
      // Other languages' voices reading English: a foreign accent on eSpeak's
      // default voice.
      Espeak("de"),
      Espeak("es"),
      Espeak("pl"),
      Festival("slt-hts", "voice_cmu_us_slt_arctic_hts"),
      Festival("ked", "voice_ked_diphone"),
      // Both F0 and formants +20% (sox pitch resamples the whole spectrum):
      // a smaller person with slt's accent.
      Sox("flite-slt-shift+20", Flite("slt"), "pitch 316"),
      // Deeper rms: everything -15%.
      Sox("flite-rms-shift-15", Flite("rms"), "pitch -281"),
      // Formants only +15%: lower awb's F0 in the engine by 1/1.15, then speed
      // everything up 1.15 (F0 back where it was) and restore the tempo.
      Sox("flite-awb-formant+15", Flite("awb", " --setf f0_shift=0.8696", "-f0low"),
          "speed 1.15 tempo 0.8696"),
  };
  return s;
}

std::vector<TestSpeaker> PitchMovedSpeakers() {
  return {
      // The defect report's target: a ~214 Hz woman with slt's vocal tract.
      Psola("festival-slt-hts-psola-f0x1.25", Festival("slt-hts", "voice_cmu_us_slt_arctic_hts"),
            1.25),
      // A man's tract at a tenor's pitch: rms-like tract, F0 up by half.
      Psola("festival-ked-psola-f0x1.5", Festival("ked", "voice_ked_diphone"), 1.5),
  };
}

std::vector<TestSpeaker> BackgroundSpeakers() {
  return {
      Espeak("en+m2"),
      Espeak("en+m4"),
      Espeak("en+m5"),
      Espeak("en+m6"),
      Espeak("en+m7"),
      Espeak("en+f1"),
      Espeak("en+f3"),
      Espeak("en+f5"),
      Espeak("en+klatt"),
      Espeak("en+klatt2"),
      Espeak("en-us"),
      Espeak("en-gb-scotland"),
      Espeak("nl+m2"),
      Espeak("it+f1"),
      Espeak("sv+m4"),
      Espeak("fi+f3"),
      Sox("espeak-en+m2-shift+25", Espeak("en+m2"), "pitch 386"),
      Sox("espeak-en+f1-shift-20", Espeak("en+f1"), "pitch -386"),
  };
}

const std::vector<std::string>& EvaluationSentences() {
  static const std::vector<std::string> kSentences = {
      "The birch canoe slid on the smooth planks.",  "Glue the sheet to the dark blue background.",
      "It's easy to tell the depth of a well.",      "These days a chicken leg is a rare dish.",
      "Rice is often served in round bowls.",        "The juice of lemons makes fine punch.",
      "The box was thrown beside the parked truck.", "The hogs were fed chopped corn and garbage.",
      "Four hours of steady work faced us.",         "A large size in stockings is hard to sell.",
  };
  return kSentences;
}

const std::vector<std::string>& BackgroundSentences() {
  static const std::vector<std::string> kSentences = {
      "The boy was there when the sun rose.",
      "A rod is used to catch pink salmon.",
      "The source of the huge river is the clear spring.",
      "Kick the ball straight and follow through.",
      "Help the woman get back to her feet.",
      "A pot of tea helps to pass the evening.",
      "Smoky fires lack flame and heat.",
      "The soft cushion broke the man's fall.",
  };
  return kSentences;
}

TestSpeaker SpeakerById(const std::string& id) {
  for (auto list : {EvaluationSpeakers(), BackgroundSpeakers(), Extras(), PitchMovedSpeakers()}) {
    for (const TestSpeaker& s : list) {
      if (s.id == id) return s;
    }
  }
  std::abort();  // test-only: an unknown id is a typo in the test
}

TestSpeaker SoxPitch(const TestSpeaker& base, int cents) {
  return Sox(base.id + "-pitch" + std::to_string(cents), base, "pitch " + std::to_string(cents));
}

TestSpeaker Transcoded(const TestSpeaker& base, const std::string& container,
                       const std::string& codec) {
  TestSpeaker s{base.id + "-" + codec, base.tools,
                Replace(base.command, "{out}", "{tmp}") +
                    " && ffmpeg -loglevel error -y -i {tmp} -c:a " + codec + " {tmp}." + container +
                    " && ffmpeg -loglevel error -y -i {tmp}." + container +
                    " {out} && rm -f {tmp}." + container};
  s.tools.push_back("ffmpeg");
  s.psola_f0_factor = base.psola_f0_factor;
  return s;
}

std::string TestNameOf(std::string speaker_id) {
  for (char& ch : speaker_id) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return speaker_id;
}

bool ToolsAvailable(const TestSpeaker& speaker) {
  for (const std::string& tool : speaker.tools) {
    if (std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) != 0) return false;
  }
  return true;
}

Result<audio::PcmBuffer> SynthesizeAll(const TestSpeaker& speaker,
                                       const std::vector<std::string>& sentences,
                                       const std::string& cache_dir) {
  audio::PcmBuffer out;
  for (const std::string& sentence : sentences) {
    VOX_ASSIGN_OR_RETURN(audio::PcmBuffer pcm, Synthesize(speaker, sentence, cache_dir));
    out.sample_rate = pcm.sample_rate;
    out.channels = pcm.channels;
    out.samples.insert(out.samples.end(), pcm.samples.begin(), pcm.samples.end());
  }
  return out;
}

std::string DefaultCacheDir() { return std::string(VOX_BINARY_DIR) + "/voice_test_corpus"; }

Result<audio::PcmBuffer> Synthesize(const TestSpeaker& speaker, const std::string& text,
                                    const std::string& cache_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  const std::size_t key = std::hash<std::string>{}(speaker.command + "\n" + text);
  std::ostringstream name;
  name << speaker.id << "-" << std::hex << key;
  const fs::path wav = fs::path(cache_dir) / (name.str() + ".wav");
  if (!fs::exists(wav)) {
    const std::string unique = name.str() + "." + std::to_string(getpid());
    const fs::path text_file = fs::path(cache_dir) / (unique + ".txt");
    const fs::path out = fs::path(cache_dir) / (unique + ".out.wav");
    const fs::path tmp = fs::path(cache_dir) / (unique + ".tmp.wav");
    std::ofstream(text_file) << text << "\n";
    std::string command = Replace(speaker.command, "{text}", "'" + text_file.string() + "'");
    command = Replace(command, "{out}", "'" + out.string() + "'");
    command = Replace(command, "{tmp}", "'" + tmp.string() + "'");
    const int rc = std::system(command.c_str());
    fs::remove(text_file, ec);
    fs::remove(tmp, ec);
    if (rc != 0 || !fs::exists(out)) {
      return Internal("synthesis failed (" + std::to_string(rc) + "): " + command);
    }
    fs::rename(out, wav, ec);
    if (ec) return Internal("cannot rename " + out.string() + ": " + ec.message());
  }
  VOX_ASSIGN_OR_RETURN(audio::PcmBuffer pcm, audio::DecodeFile(wav.string()));
  if (speaker.psola_f0_factor > 0.0) return PsolaPitchShift(pcm, speaker.psola_f0_factor);
  return pcm;
}

}  // namespace vox::voice::testing
