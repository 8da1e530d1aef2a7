// Installing voice packages: from a path or a loopback HTTP server, sha256
// checked, config validated, graph validator consulted, never half installed.
#include "piper/model_installer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "common/crypto.h"
#include "http/testing/test_server.h"
#include "piper/model_directory.h"
#include "piper/testing/test_voice.h"

namespace vox::piper {
namespace {

namespace fs = std::filesystem;

class ModelInstallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("piper_install_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    source_ = root_ / "source";
    models_ = root_ / "models";
    fs::create_directories(source_);
    fs::create_directories(models_);
    model_bytes_ = "pretend onnx graph bytes " + std::string(1000, 'x');
    WriteSource("en_US-test-medium", testing::MinimalConfig());
  }
  void TearDown() override { fs::remove_all(root_); }

  void WriteSource(const std::string& name, const nlohmann::json& config) {
    std::ofstream(source_ / (name + ".onnx"), std::ios::binary) << model_bytes_;
    std::ofstream(source_ / (name + ".onnx.json"), std::ios::binary) << config.dump();
  }
  void WriteSidecar(const std::string& name, const std::string& content) {
    std::ofstream(source_ / (name + ".onnx.sha256")) << content;
  }
  std::string Sha() const { return Sha256Hex(model_bytes_); }
  std::string Source(const std::string& name = "en_US-test-medium") const {
    return (source_ / (name + ".onnx")).string();
  }
  // Every file in the model directory, hidden ones included.
  std::vector<std::string> ModelFiles() const {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(models_)) files.push_back(e.path().filename());
    std::sort(files.begin(), files.end());
    return files;
  }
  InstallOptions WithSha() const {
    InstallOptions options;
    options.sha256 = Sha();
    return options;
  }

  fs::path root_, source_, models_;
  std::string model_bytes_;
};

TEST_F(ModelInstallerTest, InstallsAPairCheckedByItsSidecarAndShowsDatasetAndLicense) {
  WriteSidecar("en_US-test-medium", Sha() + "  en_US-test-medium.onnx\n");
  std::ofstream(source_ / "MODEL_CARD") << "# Model card\n* License: CC-BY-4.0\n";
  auto installed = InstallVoice(models_, Source(), {});
  ASSERT_TRUE(installed) << installed.error().ToString();
  EXPECT_EQ(installed->name, "en_US-test-medium");
  EXPECT_EQ(installed->config.dataset, "test");
  EXPECT_EQ(installed->config.license, "CC-BY-4.0");
  EXPECT_EQ(installed->sha256, Sha());
  EXPECT_EQ(ModelFiles(),
            (std::vector<std::string>{"en_US-test-medium.MODEL_CARD", "en_US-test-medium.onnx",
                                      "en_US-test-medium.onnx.json"}));
  auto models = ModelDirectory::Scan(models_);
  ASSERT_TRUE(models);
  ASSERT_EQ(models->packages().size(), 1u);
  EXPECT_EQ(models->packages()[0]->config.license, "CC-BY-4.0");
  std::ifstream in(models_ / "en_US-test-medium.onnx", std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), model_bytes_);
}

TEST_F(ModelInstallerTest, RefusalsLeaveTheDirectoryAsItWas) {
  auto bad_config = testing::MinimalConfig();
  bad_config.erase("num_speakers");
  WriteSource("broken", bad_config);
  std::ofstream(source_ / "lonely.onnx") << model_bytes_;
  std::ofstream(source_ / "bad name.onnx") << model_bytes_;

  struct Case {
    std::string name;
    std::string source;
    InstallOptions options;
    ErrorCode code;
    std::string field;
  };
  InstallOptions wrong_sha;
  wrong_sha.sha256 = std::string(64, 'a');
  InstallOptions not_hex;
  not_hex.sha256 = "xyz";
  InstallOptions small = WithSha();
  small.max_bytes = 100;
  const std::vector<Case> cases = {
      {"sha mismatch", Source(), wrong_sha, ErrorCode::kInvalidArgument, "sha256"},
      {"sha not hex", Source(), not_hex, ErrorCode::kInvalidArgument, "sha256"},
      {"no sha at all", Source(), {}, ErrorCode::kFailedPrecondition, "sha256"},
      {"broken config", Source("broken"), WithSha(), ErrorCode::kInvalidArgument, "source"},
      {"config missing", Source("lonely"), WithSha(), ErrorCode::kNotFound, "source"},
      {"over the size limit", Source(), small, ErrorCode::kResourceExhausted, "source"},
      {"name with a space", Source("bad name"), WithSha(), ErrorCode::kInvalidArgument, "source"},
      {"not an onnx", (source_ / "x.txt").string(), WithSha(), ErrorCode::kInvalidArgument,
       "source"},
      {"missing file", Source("absent"), WithSha(), ErrorCode::kNotFound, "source"},
  };
  for (const Case& c : cases) {
    auto installed = InstallVoice(models_, c.source, c.options);
    ASSERT_FALSE(installed) << c.name;
    EXPECT_EQ(installed.error().code, c.code) << c.name << ": " << installed.error().ToString();
    EXPECT_EQ(installed.error().field, c.field) << c.name;
    EXPECT_TRUE(ModelFiles().empty()) << c.name;
  }
  auto broken = InstallVoice(models_, Source("broken"), WithSha());
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("num_speakers"), std::string::npos);
}

TEST_F(ModelInstallerTest, TheGraphValidatorSeesTheStagedModelAndCanRefuseIt) {
  fs::path seen;
  int speakers = 0;
  InstallOptions options = WithSha();
  options.validate_graph = [&](const fs::path& model, const VoiceConfig& config) -> Status {
    seen = model;
    speakers = config.num_speakers;
    EXPECT_TRUE(fs::exists(model));
    EXPECT_EQ(model.parent_path(), models_);  // staged beside its final place
    return MakeError(ErrorCode::kUnprocessable, "graph has an unknown operator 'Foo'", "source");
  };
  auto refused = InstallVoice(models_, Source(), options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(speakers, 1);
  EXPECT_FALSE(fs::exists(seen));
  EXPECT_TRUE(ModelFiles().empty());

  options.validate_graph = [](const fs::path&, const VoiceConfig&) -> Status { return {}; };
  EXPECT_TRUE(InstallVoice(models_, Source(), options));
  EXPECT_EQ(ModelFiles().size(), 2u);
}

TEST_F(ModelInstallerTest, ReplacesOnlyWhenAskedAndRemovesConfigFirst) {
  ASSERT_TRUE(InstallVoice(models_, Source(), WithSha()));
  auto again = InstallVoice(models_, Source(), WithSha());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  auto two = testing::MinimalConfig();
  two["num_speakers"] = 2;
  WriteSource("en_US-test-medium", two);
  InstallOptions replace = WithSha();
  replace.replace = true;
  ASSERT_TRUE(InstallVoice(models_, Source(), replace));
  auto models = ModelDirectory::Scan(models_);
  ASSERT_TRUE(models);
  EXPECT_EQ(models->packages().at(0)->config.num_speakers, 2);

  auto bad = RemoveVoice(models_, "../source/en_US-test-medium");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(fs::exists(source_ / "en_US-test-medium.onnx"));
  EXPECT_EQ(RemoveVoice(models_, "nobody").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(RemoveVoice(models_, "en_US-test-medium"));
  EXPECT_TRUE(ModelFiles().empty());
}

TEST_F(ModelInstallerTest, DownloadsFromAUrlWithItsSidecar) {
  WriteSidecar("en_US-test-medium", Sha() + "\n");
  std::atomic<int> requests = 0;
  http::Router router;
  ASSERT_TRUE(router.Add("GET", "/voices/{name}", [&](http::Request& req, http::Responder respond) {
    ++requests;
    respond(http::File((source_ / std::string(req.PathParam("name"))).string()));
  }));
  http::testing::TestServer server(std::move(router));
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port()) + "/voices/";

  auto installed = InstallVoice(models_, base + "en_US-test-medium.onnx?download=true", {});
  ASSERT_TRUE(installed) << installed.error().ToString();
  EXPECT_EQ(installed->sha256, Sha());
  EXPECT_GE(requests.load(), 3);  // sidecar, model, config (and model card probes)
  EXPECT_TRUE(fs::exists(models_ / "en_US-test-medium.onnx.json"));

  auto missing = InstallVoice(models_, base + "absent.onnx", WithSha());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  InstallOptions small = WithSha();
  small.max_bytes = 64;
  small.replace = true;
  auto large = InstallVoice(models_, base + "en_US-test-medium.onnx", small);
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(ModelFiles().size(), 2u);  // the earlier install is intact, no temp files
}

}  // namespace
}  // namespace vox::piper
