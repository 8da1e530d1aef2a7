// PlatformConfig's secrets from files: the Redis URLs (VOX_QUEUE_URL, VOX_CACHE_URL,
// VOX_RATE_LIMIT_URL) follow the rules of every secret (common/secret_file.h), given by
// flag or by environment variable, and never show in --help or ToString(). And the thread
// settings left at 0: VOX_WORKERS and VOX_NEURAL_THREADS follow the cores the process may use.
#include "cli/platform_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <vector>

#include "cli/cpu_budget.h"
#include "common/testing/secret_file_fixture.h"

namespace vox::cli {
namespace {

constexpr const char* kRedisUrlSettings[] = {"VOX_QUEUE_URL", "VOX_CACHE_URL",
                                             "VOX_RATE_LIMIT_URL"};

class PlatformConfigSecrets : public vox::testing::SecretFileFixture {
 protected:
  void SetUp() override {
    SecretFileFixture::SetUp();
    ClearEnv();
  }
  void TearDown() override {
    ClearEnv();
    SecretFileFixture::TearDown();
  }
  static void ClearEnv() {
    for (const std::string name : kRedisUrlSettings) {
      ::unsetenv(name.c_str());
      ::unsetenv((name + "_FILE").c_str());
    }
  }
  // `vox serve ARGS` parsed (environment included) and finalized.
  Status Parse(std::vector<std::string> args) {
    CLI::App app("vox");
    config_.AddOptions(app);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    return config_.Finalize();
  }
  PlatformConfig config_;
};

TEST_F(PlatformConfigSecrets, RedisUrlsDefaultAsBefore) {
  ASSERT_TRUE(Parse({"--data", dir_}));
  EXPECT_EQ(config_.queue_url, "local://");
  EXPECT_EQ(config_.cache_url, "database");
  EXPECT_EQ(config_.rate_limit_url, "local");
}

TEST_F(PlatformConfigSecrets, QueueUrlFromItsFileWithoutTheNewlineAndNeverPrinted) {
  const std::string url = "redis://:queue-pass-123@127.0.0.1:6379/0";
  ASSERT_TRUE(Parse({"--data", dir_, "--queue-url-file", Write("queue", url + "\n")}));
  EXPECT_EQ(config_.queue_url, url);
  // The cache and the rate limits follow the queue's Redis, password included.
  EXPECT_EQ(config_.cache_url, url);
  EXPECT_EQ(config_.rate_limit_url, url);
  EXPECT_EQ(config_.ToString().find("queue-pass-123"), std::string::npos) << config_.ToString();
  EXPECT_NE(config_.ToString().find("redis://***@127.0.0.1:6379/0"), std::string::npos)
      << config_.ToString();
}

TEST_F(PlatformConfigSecrets, EachRedisUrlHasAFileVariantInTheEnvironment) {
  const std::string cache = "redis://:cache-pass@10.0.0.5:6379/1";
  const std::string limits = "redis://:limits-pass@10.0.0.6:6379/2";
  ::setenv("VOX_CACHE_URL_FILE", Write("cache", cache + "\r\n").c_str(), 1);
  ::setenv("VOX_RATE_LIMIT_URL_FILE", Write("limits", limits + "\n").c_str(), 1);
  ASSERT_TRUE(Parse({"--data", dir_}));
  EXPECT_EQ(config_.queue_url, "local://");
  EXPECT_EQ(config_.cache_url, cache);
  EXPECT_EQ(config_.rate_limit_url, limits);
  for (const char* secret : {"cache-pass", "limits-pass"}) {
    EXPECT_EQ(config_.ToString().find(secret), std::string::npos) << config_.ToString();
  }
}

TEST_F(PlatformConfigSecrets, BothFormsOfARedisUrlAreRefusedNamingBoth) {
  for (const std::string name : kRedisUrlSettings) {
    SCOPED_TRACE(name);
    const std::string file = Write("url", "redis://:from-file@127.0.0.1:6379/0\n");
    // Both as variables.
    ::setenv(name.c_str(), "redis://:from-env@127.0.0.1:6379/0", 1);
    ::setenv((name + "_FILE").c_str(), file.c_str(), 1);
    config_ = PlatformConfig();
    auto both = Parse({"--data", dir_});
    ClearEnv();
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().field, name + "_FILE");
    EXPECT_NE(both.error().message.find(name + " or " + name + "_FILE"), std::string::npos)
        << both.error().message;
    EXPECT_EQ(both.error().message.find("from-"), std::string::npos) << both.error().message;
  }
  // Flag and file flag.
  config_ = PlatformConfig();
  auto flags = Parse({"--data", dir_, "--queue-url", "local://", "--queue-url-file",
                      Write("q", "redis://127.0.0.1:6379/0\n")});
  ASSERT_FALSE(flags);
  EXPECT_EQ(flags.error().field, "VOX_QUEUE_URL_FILE");
}

TEST_F(PlatformConfigSecrets, AnUnreadableUrlFileIsAnErrorNamingSettingAndPath) {
  for (const std::string name : kRedisUrlSettings) {
    SCOPED_TRACE(name);
    for (const std::string& path : {dir_ + "/no-such-file", Write("empty", "\n")}) {
      ::setenv((name + "_FILE").c_str(), path.c_str(), 1);
      config_ = PlatformConfig();
      auto r = Parse({"--data", dir_});
      ClearEnv();
      ASSERT_FALSE(r) << path;
      EXPECT_EQ(r.error().field, name + "_FILE");
      EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
    }
  }
}

TEST_F(PlatformConfigSecrets, HelpListsTheFileVariantsAndNoValue) {
  ::setenv("VOX_QUEUE_URL", "redis://:help-must-not-show@127.0.0.1:6379/0", 1);
  CLI::App app("vox");
  config_.AddOptions(app);
  const std::string help = app.help();
  for (const std::string name : kRedisUrlSettings) {
    EXPECT_NE(help.find(name + "_FILE"), std::string::npos) << name << "\n" << help;
  }
  EXPECT_NE(help.find("--queue-url-file"), std::string::npos) << help;
  EXPECT_EQ(help.find("help-must-not-show"), std::string::npos) << help;
}

TEST_F(PlatformConfigSecrets, ThreadsDefaultToTheAvailableCoresSharedByTheWorkers) {
  const CpuBudget cpus = ProbeCpuBudget();
  ASSERT_TRUE(Parse({"--data", dir_}));
  EXPECT_EQ(config_.workers, cpus.available());
  EXPECT_EQ(config_.neural_threads, 1);  // one worker per core: a thread each
  config_ = PlatformConfig();
  ASSERT_TRUE(Parse({"--data", dir_, "--workers", "1"}));
  EXPECT_EQ(config_.neural_threads, cpus.available());
  EXPECT_NE(config_.neural_threads_origin.find(cpus.Describe() + " / 1 worker(s)"),
            std::string::npos)
      << config_.neural_threads_origin;
  // Finalize() again keeps the choice.
  ASSERT_TRUE(config_.Finalize());
  EXPECT_EQ(config_.neural_threads, cpus.available());
}

TEST_F(PlatformConfigSecrets, AnExplicitNeuralThreadsWins) {
  ::setenv("VOX_NEURAL_THREADS", "3", 1);
  auto r = Parse({"--data", dir_, "--workers", "64"});
  ::unsetenv("VOX_NEURAL_THREADS");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(config_.neural_threads, 3);
  EXPECT_EQ(config_.workers, 64);
  EXPECT_EQ(config_.neural_threads_origin, "set by VOX_NEURAL_THREADS");
  EXPECT_NE(config_.ToString().find("\"neural_threads\":3"), std::string::npos);
}

// VOX_COMPAT_SSML: off unless asked, the words CLI11 takes for a bool, the flag over the
// variable, and shown in the start-up log.
TEST_F(PlatformConfigSecrets, CompatSsmlIsOffByDefaultAndTakesOnOffFromVariableOrFlag) {
  ::unsetenv("VOX_COMPAT_SSML");
  ASSERT_TRUE(Parse({"--data", dir_}));
  EXPECT_FALSE(config_.compat_ssml);
  EXPECT_NE(config_.ToString().find("\"compat_ssml\":false"), std::string::npos);
  for (const char* on : {"on", "1", "true"}) {
    config_ = PlatformConfig();
    ::setenv("VOX_COMPAT_SSML", on, 1);
    ASSERT_TRUE(Parse({"--data", dir_}));
    EXPECT_TRUE(config_.compat_ssml) << on;
    EXPECT_NE(config_.ToString().find("\"compat_ssml\":true"), std::string::npos);
  }
  config_ = PlatformConfig();
  ASSERT_TRUE(Parse({"--data", dir_, "--compat-ssml", "off"}));  // the flag wins
  EXPECT_FALSE(config_.compat_ssml);
  for (const char* off : {"off", "0", "false"}) {
    config_ = PlatformConfig();
    ::setenv("VOX_COMPAT_SSML", off, 1);
    ASSERT_TRUE(Parse({"--data", dir_}));
    EXPECT_FALSE(config_.compat_ssml) << off;
  }
  config_ = PlatformConfig();
  ::setenv("VOX_COMPAT_SSML", "sometimes", 1);
  EXPECT_THROW((void)Parse({"--data", dir_}), CLI::ParseError);
  ::unsetenv("VOX_COMPAT_SSML");
}

// VOX_ENCRYPTION_PLAINTEXT: serve (blobs from before encryption keep working) unless the
// operator refuses plaintext; nothing else is a value, and the choice is in the start-up log.
TEST_F(PlatformConfigSecrets, EncryptionPlaintextIsServeOrRefuse) {
  ::unsetenv("VOX_ENCRYPTION_PLAINTEXT");
  ASSERT_TRUE(Parse({"--data", dir_}));
  EXPECT_EQ(config_.encryption_plaintext, "serve");
  config_ = PlatformConfig();
  ::setenv("VOX_ENCRYPTION_PLAINTEXT", "refuse", 1);
  ASSERT_TRUE(Parse({"--data", dir_}));
  EXPECT_EQ(config_.encryption_plaintext, "refuse");
  EXPECT_NE(config_.ToString().find("\"encryption_plaintext\":\"refuse\""), std::string::npos);
  config_ = PlatformConfig();
  ::setenv("VOX_ENCRYPTION_PLAINTEXT", "maybe", 1);
  EXPECT_THROW((void)Parse({"--data", dir_}), CLI::ParseError);
  ::unsetenv("VOX_ENCRYPTION_PLAINTEXT");
}

}  // namespace
}  // namespace vox::cli
