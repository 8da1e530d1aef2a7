// Model versions end to end: two versions of a generated Piper voice (and a
// bad and a broken one) in version folders of a running `vox serve`; jobs
// and streams record the version they spoke, `vox models tag` sends a
// canary its share of jobs (the same share the job id's bucket says),
// `vox models promote` refuses a bad version and promotes a good one, and a
// canary whose jobs fail is rolled back on its own and audited.
//
// The voices are random-weight (noise shaped like speech): the ASR hears no
// words in any version, so here the gate's speaker similarity and real-time
// factor decide; the WER check's bounds are unit-tested (rollout_test).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "rollout/canary_choice.h"
#include "store/store.h"
#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kName = "vox-test-medium";
constexpr const char* kVoice = "piper-vox-test-medium";

// DATA/models/NAME/VERSION/ with the generated voice `from` (another voice's
// weights make a version that does not sound like the voice).
void InstallVersion(const fs::path& models, const std::string& version,
                    const std::function<void(json&)>& edit = {}, const std::string& from = kName) {
  const fs::path folder = models / kName / version;
  fs::create_directories(folder);
  const fs::path src = fs::path(VOX_PIPER_TESTDATA);
  fs::copy_file(src / (from + ".onnx"), folder / (std::string(kName) + ".onnx"));
  std::ifstream in(src / (from + ".onnx.json"));
  json config = json::parse(in);
  if (edit) edit(config);
  std::ofstream(folder / (std::string(kName) + ".onnx.json")) << config.dump();
}

std::map<std::string, json> Versions(const fs::path& data) {
  auto r = RunVox({"models", "versions", kVoice, "--json", "--data", data.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, json> out;
  if (r.exit_code != 0) return out;
  for (const json& row : json::parse(r.out)) out[row["version"]] = row;
  return out;
}

std::string ModelVersion(const std::string& version) {
  return std::string("piper/") + kVoice + "@" + version;
}

class RolloutE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() / "data";
    models_ = data_ / "models";
    InstallVersion(models_, "1");
    ::setenv("VOX_CANARY_CHECK_S", "1", 1);
    ::setenv("VOX_CANARY_MIN_JOBS", "3", 1);
    ::setenv("VOX_JOB_MAX_ATTEMPTS", "1", 1);
    server_ = std::make_unique<ServerProcess>(data_);
    ASSERT_TRUE(server_->Start()) << server_->output();
    api_ = std::make_unique<ApiClient>(server_->port(), server_->admin_key());
  }
  void TearDown() override {
    if (server_) EXPECT_EQ(server_->Terminate(), 0);
    for (const char* v : {"VOX_CANARY_CHECK_S", "VOX_CANARY_MIN_JOBS", "VOX_JOB_MAX_ATTEMPTS"}) {
      ::unsetenv(v);
    }
  }

  // Installs more versions and has the running server pick them up.
  void Reload() {
    auto r = api_->Call("POST", "/v1/admin/models/reload");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }

  json Speak(const std::string& text) {
    auto submitted = api_->Submit({{"text", text}, {"voice_id", kVoice}, {"format", "wav"}});
    EXPECT_TRUE(submitted && submitted->status == 202) << (submitted ? submitted->body : "");
    if (!submitted || submitted->status != 202) return json::object();
    return api_->WaitForFinal(submitted->JsonBody()["job_id"]);
  }

  TempDir dir_;
  fs::path data_, models_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<ApiClient> api_;
};

TEST_F(RolloutE2E, JobsAndStreamsRecordTheStableVersion) {
  // The only version when the server started is the voice's stable one.
  auto versions = Versions(data_);
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions["1"]["rollout"], "stable");

  const json job = Speak("One version.");
  ASSERT_EQ(job["status"], "done") << job.dump();
  EXPECT_EQ(job["model_version"], ModelVersion("1"));
  EXPECT_EQ(job["voice_id"], std::string(kVoice) + "@1");

  // Synchronous routes answer with the version in a header.
  auto stream =
      api_->Call("POST", "/v1/tts/stream",
                 json{{"text", "Streamed."}, {"voice_id", kVoice}, {"format", "pcm"}}.dump(),
                 {{"Content-Type", "application/json"}});
  ASSERT_TRUE(stream);
  ASSERT_EQ(stream->status, 200) << stream->body;
  EXPECT_EQ(stream->Header("X-Vox-Model-Version").value_or(""), ModelVersion("1"));
  auto openai = api_->Call(
      "POST", "/v1/audio/speech",
      json{{"model", "tts-1"}, {"input", "Open."}, {"voice", kVoice}, {"response_format", "pcm"}}
          .dump(),
      {{"Content-Type", "application/json"}});
  ASSERT_TRUE(openai);
  ASSERT_EQ(openai->status, 200) << openai->body;
  EXPECT_EQ(openai->Header("X-Vox-Model-Version").value_or(""), ModelVersion("1"));
  ApiClient eleven(server_->port(), "");
  auto spoken = eleven.Call(
      "POST", std::string("/v1/text-to-speech/") + kVoice, json{{"text", "Eleven."}}.dump(),
      {{"Content-Type", "application/json"}, {"xi-api-key", server_->admin_key()}});
  ASSERT_TRUE(spoken);
  ASSERT_EQ(spoken->status, 200) << spoken->body;
  EXPECT_EQ(spoken->Header("X-Vox-Model-Version").value_or(""), ModelVersion("1"));
  const std::string job_id(spoken->Header("X-Vox-Job-Id").value_or(""));
  EXPECT_EQ(api_->WaitForFinal(job_id)["model_version"], ModelVersion("1"));
}

TEST_F(RolloutE2E, ACanaryGetsItsShareByJobIdAndPromotionIsGated) {
  InstallVersion(models_, "2");  // the same weights: as good as version 1
  // Another network's weights: not the voice's speaker.
  InstallVersion(models_, "3", {}, "vox-test-x_low");
  Reload();

  auto tag =
      RunVox({"models", "tag", kVoice, "2", "canary", "--weight", "50", "--data", data_.string()});
  ASSERT_EQ(tag.exit_code, 0) << tag.err;
  EXPECT_EQ(json::parse(tag.out)["weight"], 50);
  // Bad input changes nothing.
  EXPECT_NE(
      RunVox({"models", "tag", kVoice, "2", "canary", "--weight", "101", "--data", data_.string()})
          .exit_code,
      0);
  EXPECT_NE(RunVox({"models", "tag", kVoice, "9", "canary", "--data", data_.string()}).exit_code,
            0);
  EXPECT_NE(
      RunVox({"models", "tag", kVoice, "1", "stable", "--weight", "5", "--data", data_.string()})
          .exit_code,
      0);
  auto versions = Versions(data_);
  EXPECT_EQ(versions["1"]["rollout"], "stable");
  EXPECT_EQ(versions["2"]["rollout"], "canary");
  EXPECT_EQ(versions["2"]["weight"], 50);
  EXPECT_EQ(versions["3"]["rollout"], "");

  // Each job's version is the one its id's bucket picks: about half each.
  std::map<std::string, int> spoken;
  for (int i = 0; i < 12; ++i) {
    const json job = Speak("Hi.");
    ASSERT_EQ(job["status"], "done") << job.dump();
    const bool canary = rollout::RoutingBucket(job["job_id"].get<std::string>()) < 50;
    EXPECT_EQ(job["model_version"], ModelVersion(canary ? "2" : "1")) << job.dump();
    ++spoken[job["model_version"]];
  }
  EXPECT_EQ(spoken.size(), 2u) << "12 jobs at 50 %: both versions (fails 1 run in 2048)";

  // The bad version is refused, with a report saying why; nothing changes.
  auto refused = RunVox(
      {"models", "promote", kVoice, "3", "--max-rtf-ratio", "100", "--data", data_.string()});
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  const json report = json::parse(refused.out);
  EXPECT_FALSE(report["passed"].get<bool>()) << report.dump(2);
  bool similarity_failed = false;
  for (const json& c : report["checks"]) {
    if (c["name"] == "similarity") similarity_failed = !c["passed"].get<bool>();
  }
  EXPECT_TRUE(similarity_failed) << report.dump(2);
  EXPECT_EQ(Versions(data_)["1"]["rollout"], "stable");

  // The good one passes: it becomes stable and the old stable is retired.
  auto promoted = RunVox(
      {"models", "promote", kVoice, "2", "--max-rtf-ratio", "100", "--data", data_.string()});
  ASSERT_EQ(promoted.exit_code, 0) << promoted.out << promoted.err;
  const json passed = json::parse(promoted.out);
  EXPECT_TRUE(passed["passed"].get<bool>());
  EXPECT_GT(passed["similarity"].get<double>(), 0.95);  // the same weights
  versions = Versions(data_);
  EXPECT_EQ(versions["2"]["rollout"], "stable");
  EXPECT_EQ(versions["2"]["weight"], 0);
  EXPECT_EQ(versions["1"]["rollout"], "retired");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Speak("Hi.")["model_version"], ModelVersion("2"));
}

TEST_F(RolloutE2E, AFailingCanaryIsRolledBackAndAudited) {
  InstallVersion(models_, "4");
  // A graph that cannot load: every job on this version fails.
  std::ofstream(models_ / kName / "4" / (std::string(kName) + ".onnx"), std::ios::trunc)
      << "not an onnx graph";
  Reload();
  auto tag =
      RunVox({"models", "tag", kVoice, "4", "canary", "--weight", "100", "--data", data_.string()});
  ASSERT_EQ(tag.exit_code, 0) << tag.err;

  for (int i = 0; i < 3; ++i) {
    const json job = Speak("Hi.");
    EXPECT_EQ(job["status"], "failed") << job.dump();
    EXPECT_EQ(job["model_version"], ModelVersion("4"));
  }
  // The monitor checks every second: the canary goes, and jobs are stable again.
  std::map<std::string, json> versions;
  for (int i = 0; i < 100; ++i) {
    versions = Versions(data_);
    if (versions["4"]["rollout"] == "retired") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(versions["4"]["rollout"], "retired");
  EXPECT_EQ(versions["4"]["weight"], 0);
  EXPECT_EQ(versions["1"]["rollout"], "stable");
  const json job = Speak("Hi.");
  EXPECT_EQ(job["status"], "done");
  EXPECT_EQ(job["model_version"], ModelVersion("1"));

  // The audit log (no HTTP route reads it yet): straight from the database.
  auto store = store::OpenStore("sqlite://" + (data_ / "vox.db").string());
  ASSERT_TRUE(store) << store.error().ToString();
  store::AuditQuery query;
  query.action = "model.rollback";
  auto events = (*store)->ListAudit(query);
  ASSERT_TRUE(events) << events.error().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].target_id, std::string(kVoice) + "@4");
  const json detail = json::parse((*events)[0].detail);
  EXPECT_EQ(detail["canary_jobs"], 3);
  EXPECT_EQ(detail["canary_error_rate"], 1.0);
}

}  // namespace
}  // namespace vox::testing
