// The web playground in a real browser: `vox serve` on loopback, Debian's chromium driven
// headless by playwright-core (tests/web/playground.mjs): load, key, voices, errors shown next
// to their control, speak (streamed into the <audio>), jobs, clone with a consent recording
// from a fake microphone, keyboard reach, a 375 px screen, no console errors.
// The fake microphone plays consent.wav: the consent statement read by the corpus speaker whose
// samples are uploaded (as clone_e2e_test.cc does it), so the server's consent check passes.
// On failure the artifacts directory (screenshot, browser log) is kept and its path printed.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/clone_upload.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* kTarget = "flite-slt-f0x1.2";
const char* kSpeakerName = "Jane Doe";
const char* kChromium = "/usr/bin/chromium";
constexpr int kBrowserTimeoutMs = 110'000;  // the whole browser run; ctest's TIMEOUT is above

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// Silence before and after: the fake microphone starts as the page asks for it, and the page
// stops a little after the statement ends.
audio::PcmBuffer Padded(audio::PcmBuffer pcm) {
  const size_t lead = static_cast<size_t>(pcm.sample_rate) / 2 * pcm.channels;
  pcm.samples.insert(pcm.samples.begin(), lead, 0.0f);
  pcm.samples.insert(pcm.samples.end(), lead * 2, 0.0f);
  return pcm;
}

class WebE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vox-web-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    artifacts_ = tmpl;
  }
  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "web e2e: artifacts kept in %s\n", artifacts_.c_str());
    } else {
      fs::remove_all(artifacts_);
    }
  }
  fs::path artifacts_;
};

TEST_F(WebE2e, PlaygroundSpeaksClonesAndListsJobsInChromium) {
  if (!fs::exists(kChromium)) GTEST_FAIL() << "chromium is missing; run scripts/install-deps.sh";
  const fs::path node_modules = fs::path(VOX_SOURCE_DIR) / "tests/services/node_modules";
  if (!fs::exists(node_modules / "playwright-core/package.json")) {
    GTEST_FAIL() << "playwright-core is not installed; run tests/services/install.sh";
  }
  TempDir data;
  ServerProcess server(data.path() / "data", {"--workers", "1", "--max-upload-bytes", "4000000"});
  ASSERT_TRUE(server.Start()) << server.output();

  // The challenge is issued now, for the key the page will use: the fake microphone's file
  // must exist before the browser starts (playground.mjs hands this answer to the page).
  ApiClient api(server.port(), server.admin_key());
  auto issued = api.Call("GET", "/v1/voice/consent-statement?name=Jane%20Doe");
  ASSERT_TRUE(issued && issued->status == 200) << (issued ? issued->body : "");
  const json issued_body = issued->JsonBody();
  const std::string statement = issued_body.value("statement", "");
  ASSERT_NE(statement.find("My code is "), std::string::npos) << issued->body;
  const audio::PcmBuffer consent = Padded(Speak(kTarget, {statement}));
  ASSERT_GT(consent.duration_s(), 3);
  // Six sentences (about 15 s of speech, above the 10 s minimum): fitting the conversion is
  // the slowest stage of a creation and grows with the samples.
  const auto& sentences = voice::testing::EvaluationSentences();
  WriteFile(
      artifacts_ / "samples.wav",
      Encode(Speak(kTarget, std::vector<std::string>(sentences.begin(), sentences.begin() + 6))));
  WriteFile(artifacts_ / "consent.wav", Encode(consent));

  const json config = {{"url", "http://127.0.0.1:" + std::to_string(server.port())},
                       {"key", server.admin_key()},
                       {"chromium", kChromium},
                       {"dir", artifacts_.string()},
                       {"samples", (artifacts_ / "samples.wav").string()},
                       {"consent_wav", (artifacts_ / "consent.wav").string()},
                       {"consent_seconds", consent.duration_s()},
                       {"speaker", kSpeakerName},
                       {"issued", issued_body},
                       {"timeout_ms", kBrowserTimeoutMs}};
  const fs::path script = fs::path(VOX_SOURCE_DIR) / "tests/web/playground.mjs";
  // The config goes through a file: no shell quoting of JSON. timeout(1) is a hard bound even
  // if node hangs before its own watchdog starts.
  WriteFile(artifacts_ / "config.json", config.dump());
  const CommandResult run = RunProgram({"timeout", "-k", "5", "150", "node", script.string(),
                                        (artifacts_ / "config.json").string()});
  WriteFile(artifacts_ / "browser.log", run.err);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  const std::string& output = run.out;
  const json s = json::parse(output, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << output;
  SCOPED_TRACE(s.dump(2));

  EXPECT_EQ(s["status"], 200);
  EXPECT_EQ(s["title"], "Vox playground");
  EXPECT_NE(s.value("csp", "").find("default-src 'self'"), std::string::npos);
  EXPECT_TRUE(s["stored_key"].get<bool>());
  ASSERT_FALSE(s["voice_groups"].empty());
  EXPECT_EQ(s["voice_groups"][0]["label"], "Built-in");
  EXPECT_GT(s["voice_groups"][0]["options"].get<int>(), 1);
  EXPECT_NE(s.value("first_voice", "").find("("), std::string::npos) << "language and gender";

  EXPECT_NE(s.value("empty_text_error", ""), "");
  EXPECT_EQ(s["text_marked_invalid"], "true");
  EXPECT_EQ(s.value("ssml_outcome", ""), "spoken") << "the SSML switch: " << s.dump();

  EXPECT_EQ(s.value("text_error_after_speak", "x"), "");
  const json& speech = s["speech"];
  EXPECT_TRUE(speech.value("src", "").starts_with("blob:")) << speech.dump();
  EXPECT_GT(speech.value("duration", 0.0), 1.0);
  EXPECT_GE(speech.value("ready_state", 0), 1);
  EXPECT_TRUE(speech["error"].is_null());
  EXPECT_TRUE(s.value("download", "").starts_with("blob:"));
  EXPECT_GT(s["wav"].value("duration", 0.0), 1.0) << "the blob fallback";
  EXPECT_TRUE(s["wav"].value("src", "").starts_with("blob:"));
  EXPECT_EQ(s["wav_download"], "vox.wav");

  // Word highlighting follows the job's timestamps (the default voice times its words).
  ASSERT_GT(s.value("timestamps", 0), 0) << s.dump();
  EXPECT_EQ(s["words"], "shown");
  EXPECT_EQ(s["word_spans"], s["timestamps"]);
  EXPECT_EQ(s["word_marked"].size(), 1u);

  EXPECT_GE(s["jobs"].get<int>(), 1);
  EXPECT_NE(s.value("first_job", "").find("done"), std::string::npos);
  EXPECT_NE(s.value("usage", "").find("characters"), std::string::npos);

  EXPECT_EQ(s["statement"], statement);
  EXPECT_EQ(s.value("clone_error", "x"), "");
  EXPECT_NE(s.value("clone_status", "").find("is ready"), std::string::npos);
  ASSERT_EQ(s["clones_listed"].size(), 1u);
  EXPECT_TRUE(s["clones_listed"][0].get<std::string>().starts_with("Playground voice"));
  EXPECT_TRUE(s.value("selected_voice", "").starts_with("Playground voice"));

  for (const char* id : {"key", "voice", "text", "format", "speed", "ssml", "speak", "clone-name",
                         "speaker-name", "samples", "record", "create", "jobs-refresh"}) {
    EXPECT_TRUE(std::ranges::count(s["tab_reached"], json(id)) == 1 || std::string(id) == "key")
        << id << " not reached with Tab";
  }
  EXPECT_LE(s["narrow"]["scroll_width"].get<int>(), 375);
  EXPECT_EQ(s["console_errors"], json::array());
  std::fprintf(stderr, "web e2e: browser run %d ms; steps (ms from launch): %s\n",
               s.value("elapsed_ms", 0), s["steps"].dump().c_str());
}

}  // namespace
}  // namespace vox::testing
