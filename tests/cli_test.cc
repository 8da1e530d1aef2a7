// `vox synth` and `vox voices` as a user runs them: exit codes, messages that
// name the option at fault, and no partial output files on failure.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "audio/decode.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {
namespace fs = std::filesystem;

TEST(CliSynth, WritesEveryFormatAtTheRequestedRate) {
  TempDir dir;
  for (std::string format : {"wav", "mp3", "opus", "flac"}) {
    fs::path out = dir.path() / ("hello." + format);
    auto r = RunVox({"synth", "--text", "Hello from the command line.", "--sample-rate", "16000",
                     "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    auto audio = audio::DecodeFile(out.string());
    ASSERT_TRUE(audio) << format;
    EXPECT_EQ(audio->sample_rate, 16000) << format;
    EXPECT_GT(audio->duration_s(), 1.0) << format;
    EXPECT_LT(audio->duration_s(), 4.0) << format;
  }
  fs::path raw = dir.path() / "hello.pcm";
  ASSERT_EQ(RunVox({"synth", "--text", "Raw.", "--format", "pcm", "--out", raw.string()}).exit_code,
            0);
  EXPECT_GT(fs::file_size(raw), 4000u);
}

TEST(CliSynth, ReadsStdinAndWritesStdout) {
  auto r = RunVox({"synth", "--input", "-", "--format", "wav", "--out", "-"},
                  "Text from standard input.");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_GT(r.out.size(), 44u);
  EXPECT_EQ(r.out.substr(0, 4), "RIFF");
}

TEST(CliSynth, SpeaksOtherLanguagesThroughEspeak) {
  TempDir dir;
  fs::path out = dir.path() / "de.wav";
  auto r = RunVox({"synth", "--language", "de", "--text", "Guten Tag, wie geht es Ihnen?", "--out",
                   out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(audio::DecodeFile(out.string())->duration_s(), 1.0);
}

struct BadInvocation {
  std::string name;
  std::vector<std::string> args;
  std::string stdin_data;
  std::string expect_in_message;
};

TEST(CliSynth, BadInputExitsNonZeroNamesTheOptionAndWritesNothing) {
  TempDir dir;
  fs::path out = dir.path() / "out.wav";
  fs::path bad_utf8 = dir.path() / "bad.txt";
  { std::ofstream(bad_utf8, std::ios::binary) << "caf\xc3\x28 au lait"; }
  const std::vector<BadInvocation> cases = {
      {"empty text", {"--text", ""}, "", "--text"},
      {"whitespace only", {"--text", "   \n\t "}, "", "--text"},
      {"over the limit", {"--text", "one two three four five", "--max-chars", "10"}, "", "--text"},
      {"unknown voice", {"--text", "hi", "--voice", "nobody"}, "", "--voice"},
      {"unknown format", {"--text", "hi", "--format", "aiff"}, "", "--format"},
      {"bad sample rate", {"--text", "hi", "--sample-rate", "1234567"}, "", "--sample-rate"},
      {"bad speed", {"--text", "hi", "--speed", "9"}, "", "--speed"},
      {"invalid utf-8", {"--input", bad_utf8.string()}, "", "--text"},
      {"unreadable file", {"--input", (dir.path() / "missing.txt").string()}, "", "--input"},
      {"both text and input", {"--text", "a", "--input", "-"}, "", "--text"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> args = {"synth", "--out", out.string()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = RunVox(args, c.stdin_data);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.expect_in_message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    size_t leftovers = std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator());
    EXPECT_EQ(leftovers, 1u) << "temporary files left behind";  // bad.txt only
  }
  auto unknown = RunVox({"synth", "--text", "hi", "--voice", "nobody", "--out", out.string()});
  EXPECT_NE(unknown.err.find("flite-slt"), std::string::npos)
      << "should list valid voices: " << unknown.err;
}

// SIGTERM mid-synthesis: the process dies of the signal and leaves no partial
// or temporary file behind.
TEST(CliSynth, SigtermLeavesNoFilesBehind) {
  TempDir dir;
  const fs::path out = dir.path() / "long.wav";
  std::string text;
  for (int i = 0; i < 400; ++i) text += "This is sentence number " + std::to_string(i) + ". ";
  const std::string binary = VoxBinary();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl(binary.c_str(), binary.c_str(), "synth", "--text", text.c_str(), "--out", out.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait for the temporary output to appear: synthesis is under way.
  bool started = false;
  for (int i = 0; i < 1000 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    started = !fs::is_empty(dir.path());
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(started) << "synthesis never wrote its temporary file";
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir.path())) left.push_back(e.path().string());
  EXPECT_TRUE(left.empty()) << left.front();
}

// Each component validates its own config; the error names the setting, and
// nothing starts.
TEST(CliServe, BadSettingsExitWithTheSettingsName) {
  TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--workers", "999"}, "VOX_WORKERS"},
      {{"--io-threads", "0"}, "VOX_IO_THREADS"},
      {{"--header-timeout-ms", "0"}, "VOX_HTTP_HEADER_TIMEOUT_MS"},
      {{"--handler-threads", "0"}, "VOX_API_HANDLER_THREADS"},
      {{"--max-text-chars", "0"}, "VOX_MAX_TEXT_CHARS"},
      {{"--max-text-chars", "100000001"}, "VOX_MAX_TEXT_CHARS"},
      {{"--job-max-attempts", "0"}, "VOX_JOB_MAX_ATTEMPTS"},
      {{"--audio-url-ttl", "0"}, "VOX_AUDIO_URL_TTL_S"},
      {{"--clone-concurrency", "0"}, "VOX_CLONE_CONCURRENCY"},
      {{"--max-upload-bytes", "10"}, "VOX_MAX_UPLOAD_BYTES"},
      {{"--target-lufs", "5"}, "VOX_TARGET_LUFS"},
      {{"--log-format", "xml"}, "VOX_LOG_FORMAT"},
      {{"--log-level", "loud"}, "VOX_LOG_LEVEL"},
  };
  for (const auto& [flags, setting] : cases) {
    SCOPED_TRACE(setting);
    std::vector<std::string> args = {"serve", "--data", (dir.path() / "data").string(), "--listen",
                                     "127.0.0.1:0"};
    args.insert(args.end(), flags.begin(), flags.end());
    auto r = RunVox(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(setting), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("listening"), std::string::npos);
  }
}

TEST(CliVoices, ListsEveryVoiceWithMetadata) {
  auto r = RunVox({"voices", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto voices = nlohmann::json::parse(r.out);
  std::set<std::string> languages;
  for (const auto& v : voices) {
    for (const char* field :
         {"id", "engine", "engine_version", "language", "gender", "sample_rate"}) {
      EXPECT_TRUE(v.contains(field)) << v.dump();
    }
    languages.insert(v["language"].get<std::string>().substr(0, 2));
  }
  for (const char* lang : {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "hi", "zh"}) {
    EXPECT_TRUE(languages.count(lang)) << lang;
  }
  auto table = RunVox({"voices"});
  EXPECT_NE(table.out.find("flite-slt"), std::string::npos);
}

TEST(CliHelp, EverySubcommandHasHelp) {
  for (const char* cmd : {"synth", "voices", "serve", "api", "worker", "migrate", "keys"}) {
    auto r = RunVox({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd << ": " << r.out;
  }
}

}  // namespace
}  // namespace vox::testing
