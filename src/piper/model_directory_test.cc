// The model directory: pairs become voices, speakers become voices, half
// pairs and broken configs are reported without hiding the rest, and ids
// with path characters never reach the file system.
#include "piper/model_directory.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>

#include "piper/testing/test_voice.h"

namespace vox::piper {
namespace {

namespace fs = std::filesystem;

class ModelDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("piper_models_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Ids(const ModelDirectory& models) {
    std::vector<std::string> ids;
    for (const PiperVoice& v : models.Voices()) ids.push_back(v.id);
    return ids;
  }

  fs::path dir_;
};

TEST_F(ModelDirectoryTest, ListsPackagesAndEverySpeakerOfAMultiSpeakerVoice) {
  testing::WriteVoice(dir_, "en_US-solo-medium", testing::MinimalConfig());
  auto multi = testing::MinimalConfig();
  multi["num_speakers"] = 3;
  multi["speaker_id_map"] = {{"p225", 1}, {"alice", 0}, {"with space", 2}};
  testing::WriteVoice(dir_, "en_GB-vctk-medium", multi);
  auto models = ModelDirectory::Scan(dir_);
  ASSERT_TRUE(models) << models.error().ToString();
  EXPECT_TRUE(models->problems().empty());
  EXPECT_EQ(Ids(*models),
            (std::vector<std::string>{"piper-en_GB-vctk-medium", "piper-en_GB-vctk-medium:alice",
                                      "piper-en_GB-vctk-medium:p225", "piper-en_GB-vctk-medium:2",
                                      "piper-en_US-solo-medium"}));
  EXPECT_EQ(models->packages().front()->model_path, dir_ / "en_GB-vctk-medium.onnx");
}

TEST_F(ModelDirectoryTest, UnnamedSpeakersAreListedByNumber) {
  auto multi = testing::MinimalConfig();
  multi["num_speakers"] = 2;
  testing::WriteVoice(dir_, "numbered", multi);
  auto models = ModelDirectory::Scan(dir_);
  ASSERT_TRUE(models);
  EXPECT_EQ(Ids(*models),
            (std::vector<std::string>{"piper-numbered", "piper-numbered:0", "piper-numbered:1"}));
  auto one = models->Resolve("piper-numbered:1");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->speaker_id, 1);
}

TEST_F(ModelDirectoryTest, ResolvesIdsToPackageAndSpeaker) {
  auto multi = testing::MinimalConfig();
  multi["num_speakers"] = 4;
  multi["speaker_id_map"] = {{"alice", 0}, {"bob", 3}};
  testing::WriteVoice(dir_, "multi", multi);
  testing::WriteVoice(dir_, "solo", testing::MinimalConfig());
  auto models = ModelDirectory::Scan(dir_);
  ASSERT_TRUE(models);

  auto bob = models->Resolve("piper-multi:bob");
  ASSERT_TRUE(bob) << bob.error().ToString();
  EXPECT_EQ(bob->package->name, "multi");
  EXPECT_EQ(bob->speaker_id, 3);
  EXPECT_EQ(bob->speaker, "bob");
  auto by_number = models->Resolve("piper-multi:2");
  ASSERT_TRUE(by_number);
  EXPECT_EQ(by_number->speaker_id, 2);
  auto plain = models->Resolve("piper-multi");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->speaker_id, 0);
  auto solo = models->Resolve("piper-solo");
  ASSERT_TRUE(solo);
  EXPECT_EQ(solo->package->config_path, dir_ / "solo.onnx.json");

  for (const char* unknown :
       {"piper-nobody", "piper-multi:carol", "piper-multi:4", "piper-solo:0", "piper-solo:alice"}) {
    auto r = models->Resolve(unknown);
    ASSERT_FALSE(r) << unknown;
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << unknown;
    EXPECT_EQ(r.error().field, "voice") << unknown;
  }
  for (const char* malformed : {"multi", "piper-", "piper-../etc/passwd", "piper-a/b", "piper-..",
                                "piper-.hidden", "piper-a\\b", "piper-multi:", "piper-multi:a/b",
                                "piper-multi:../x", "piper-x\ny", "flite-slt"}) {
    auto r = models->Resolve(malformed);
    ASSERT_FALSE(r) << malformed;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << malformed;
  }
}

TEST_F(ModelDirectoryTest, HalfPairsAndBrokenConfigsAreReportedAndHideNothingElse) {
  testing::WriteVoice(dir_, "good", testing::MinimalConfig());
  std::ofstream(dir_ / "lonely.onnx") << "graph";
  std::ofstream(dir_ / "orphan.onnx.json") << testing::MinimalConfig().dump();
  auto broken = testing::MinimalConfig();
  broken.erase("num_speakers");
  testing::WriteVoice(dir_, "broken", broken);
  std::ofstream(dir_ / "bad name.onnx") << "graph";
  std::ofstream(dir_ / ".installing.onnx") << "graph";  // an installer's temp file: silent
  std::ofstream(dir_ / "README.txt") << "not a voice";

  auto models = ModelDirectory::Scan(dir_);
  ASSERT_TRUE(models);
  EXPECT_EQ(Ids(*models), std::vector<std::string>{"piper-good"});
  std::vector<std::string> reported;
  for (const ModelProblem& p : models->problems()) reported.push_back(p.path.filename().string());
  std::sort(reported.begin(), reported.end());
  EXPECT_EQ(reported, (std::vector<std::string>{"bad name.onnx", "broken.onnx.json", "lonely.onnx",
                                                "orphan.onnx.json"}));
  for (const ModelProblem& p : models->problems()) {
    if (p.path.filename() == "broken.onnx.json") {
      EXPECT_NE(p.message.find("num_speakers"), std::string::npos) << p.message;
    }
    if (p.path.filename() == "lonely.onnx") {
      EXPECT_NE(p.message.find("lonely.onnx.json is missing"), std::string::npos) << p.message;
    }
  }
}

TEST_F(ModelDirectoryTest, AMissingDirectoryIsNotFound) {
  auto models = ModelDirectory::Scan(dir_ / "absent");
  ASSERT_FALSE(models);
  EXPECT_EQ(models.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(models.error().field, "models");
}

TEST(ModelDirFrom, FlagThenEnvironmentThenDataDirectory) {
  ::setenv("VOX_MODEL_DIR", "/env/models", 1);
  EXPECT_EQ(ModelDirFrom("/flag", "/data"), fs::path("/flag"));
  EXPECT_EQ(ModelDirFrom("", "/data"), fs::path("/env/models"));
  ::unsetenv("VOX_MODEL_DIR");
  EXPECT_EQ(ModelDirFrom("", "/data"), fs::path("/data/models"));
  EXPECT_EQ(ModelDirFrom("", ""), fs::path());
}

TEST(ScalesFor, SpeedDividesLengthScale) {
  auto config = ParseVoiceConfig(testing::MinimalConfig(), "x");
  ASSERT_TRUE(config);
  config->inference.length_scale = 1.2;
  PiperScales normal = ScalesFor(*config, 1.0);
  EXPECT_FLOAT_EQ(normal.noise_scale, 0.667f);
  EXPECT_FLOAT_EQ(normal.length_scale, 1.2f);
  EXPECT_FLOAT_EQ(normal.noise_w, 0.8f);
  EXPECT_FLOAT_EQ(ScalesFor(*config, 2.0).length_scale, 0.6f);
  EXPECT_FLOAT_EQ(ScalesFor(*config, 0.5).length_scale, 2.4f);
  EXPECT_DOUBLE_EQ(kSentenceSilenceSeconds, 0.2);
}

}  // namespace
}  // namespace vox::piper

namespace vox::piper {
namespace {

// The same temporary directory, with versions in folders DIR/NAME/VERSION/.
class ModelVersionsTest : public ModelDirectoryTest {
 protected:
  void WriteVersion(const std::string& name, const std::string& version) {
    fs::create_directories(dir_ / name / version);
    testing::WriteVoice(dir_ / name / version, name, testing::MinimalConfig());
  }
};

TEST_F(ModelVersionsTest, VersionFoldersArePinnedAndTheHighestIsTheDefault) {
  for (const char* v : {"2", "10", "9.1"}) WriteVersion("voice", v);
  auto models = ModelDirectory::Scan(dir_);
  ASSERT_TRUE(models) << models.error().ToString();
  EXPECT_TRUE(models->problems().empty());
  // By number, not by text: 10 is the highest.
  EXPECT_EQ(Ids(*models), (std::vector<std::string>{"piper-voice@2", "piper-voice@9.1",
                                                    "piper-voice", "piper-voice@10"}));
  auto plain = models->Resolve("piper-voice");
  ASSERT_TRUE(plain) << plain.error().ToString();
  EXPECT_EQ(plain->package->version, "10");
  EXPECT_EQ(plain->package->model_path, dir_ / "voice" / "10" / "voice.onnx");
  auto pinned = models->Resolve("piper-voice@2");
  ASSERT_TRUE(pinned) << pinned.error().ToString();
  EXPECT_EQ(pinned->package->version, "2");
  EXPECT_TRUE(pinned->pinned);
  EXPECT_FALSE(models->Resolve("piper-voice@3"));
}

TEST_F(ModelVersionsTest, AnUnversionedPairStaysTheDefaultAndAConfigMayDeclareItsVersion) {
  testing::WriteVoice(dir_, "voice", testing::MinimalConfig());
  WriteVersion("voice", "2");
  auto declared = testing::MinimalConfig();
  declared["version"] = "7";
  testing::WriteVoice(dir_, "other", declared);
  auto models = ModelDirectory::Scan(dir_);
  ASSERT_TRUE(models) << models.error().ToString();
  EXPECT_EQ(Ids(*models), (std::vector<std::string>{"piper-other", "piper-other@7", "piper-voice",
                                                    "piper-voice@2"}));
  EXPECT_EQ(models->Resolve("piper-voice")->package->version, "");
  EXPECT_EQ(models->Resolve("piper-other")->package->version, "7");
}

TEST_F(ModelVersionsTest, StrayFilesAndDuplicatesAreReported) {
  WriteVersion("voice", "1");
  testing::WriteVoice(dir_ / "voice" / "1", "stranger", testing::MinimalConfig());
  auto declared = testing::MinimalConfig();
  declared["version"] = "1";  // the same version as the folder's
  testing::WriteVoice(dir_, "voice", declared);
  auto models = ModelDirectory::Scan(dir_);
  ASSERT_TRUE(models) << models.error().ToString();
  EXPECT_EQ(models->packages().size(), 1u);
  EXPECT_EQ(models->problems().size(), 2u);
  EXPECT_TRUE(models->Resolve("piper-voice@1"));
}

TEST(VersionOrder, ComparesNumbersAsNumbers) {
  EXPECT_TRUE(VersionLess("", "1"));
  EXPECT_TRUE(VersionLess("2", "10"));
  EXPECT_TRUE(VersionLess("1.2", "1.10"));
  EXPECT_TRUE(VersionLess("1", "1.0"));
  EXPECT_TRUE(VersionLess("beta", "rc"));
  EXPECT_FALSE(VersionLess("10", "2"));
  EXPECT_FALSE(VersionLess("3", "3"));
}

}  // namespace
}  // namespace vox::piper
