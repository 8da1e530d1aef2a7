// Secrets from files, as an operator meets them: `vox serve` (and `vox api`) refuse to start,
// exit 2 and name the variable when a secret is given twice (NAME and NAME_FILE) or its file
// cannot be read — the S3 credentials (AWS_*) and the Redis URLs included.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/vox_process.h"

namespace vox::testing {
namespace {

// Sets environment variables for one command and restores their absence after it.
class ScopedEnv {
 public:
  explicit ScopedEnv(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {
    for (const auto& [name, value] : vars_) ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : vars_) ::unsetenv(name.c_str());
  }

 private:
  std::map<std::string, std::string> vars_;
};

class SecretSettingsE2e : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_.path() / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // `vox ROLE` with `env` and `args`, bounded: a process that starts anyway (the bug this
  // guards against) is stopped by timeout(1) and fails the test with exit code 124.
  CommandResult Start(const std::string& role, const std::map<std::string, std::string>& env,
                      std::vector<std::string> args = {}) {
    ScopedEnv scoped(env);
    std::vector<std::string> argv = {"timeout", "60",  VoxBinary(), role,
                                     "--data",  data_, "--listen",  "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv);
  }

  TempDir dir_;
  const std::string data_ = (dir_.path() / "data").string();
  // Nothing listens there: a process that got past its settings could not store anything.
  const std::string s3_url_ = "s3://vox-test?endpoint=http://127.0.0.1:9&max_attempts=1";
};

TEST_F(SecretSettingsE2e, S3CredentialGivenTwiceStopsStartNamingBothVariables) {
  const std::string id_file = Write("aws-id", "AKIDFROMFILE\n");
  const std::string key_file = Write("aws-key", "secret-from-the-file\n");
  for (const std::string role : {"serve", "api"}) {
    SCOPED_TRACE(role);
    auto r = Start(role,
                   {{"AWS_ACCESS_KEY_ID", "AKIDPLAIN"},
                    {"AWS_ACCESS_KEY_ID_FILE", id_file},
                    {"AWS_SECRET_ACCESS_KEY_FILE", key_file}},
                   {"--storage-url", s3_url_});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("AWS_ACCESS_KEY_ID or AWS_ACCESS_KEY_ID_FILE"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.out.find("listening"), std::string::npos) << r.out;
    // Neither value is printed.
    for (const char* secret : {"AKIDPLAIN", "AKIDFROMFILE", "secret-from-the-file"}) {
      EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
      EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    }
  }
  auto secret_twice = Start("serve",
                            {{"AWS_ACCESS_KEY_ID", "AKIDPLAIN"},
                             {"AWS_SECRET_ACCESS_KEY", "plain-secret"},
                             {"AWS_SECRET_ACCESS_KEY_FILE", key_file}},
                            {"--storage-url", s3_url_});
  EXPECT_EQ(secret_twice.exit_code, 2) << secret_twice.err;
  EXPECT_NE(secret_twice.err.find("AWS_SECRET_ACCESS_KEY or AWS_SECRET_ACCESS_KEY_FILE"),
            std::string::npos)
      << secret_twice.err;
}

TEST_F(SecretSettingsE2e, UnreadableS3CredentialFileStopsStartNamingVariableAndPath) {
  const std::string missing = (dir_.path() / "no-such-secret").string();
  auto r =
      Start("serve", {{"AWS_ACCESS_KEY_ID", "AKIDPLAIN"}, {"AWS_SECRET_ACCESS_KEY_FILE", missing}},
            {"--storage-url", s3_url_});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("AWS_SECRET_ACCESS_KEY_FILE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("listening"), std::string::npos) << r.out;
}

TEST_F(SecretSettingsE2e, RedisUrlGivenTwiceOrUnreadableStopsStartNamingTheSetting) {
  const std::string file = Write("redis-url", "redis://:redis-pass@127.0.0.1:9/0\n");
  const std::string missing = (dir_.path() / "no-such-url").string();
  for (const std::string name : {"VOX_QUEUE_URL", "VOX_CACHE_URL", "VOX_RATE_LIMIT_URL"}) {
    SCOPED_TRACE(name);
    auto both =
        Start("serve", {{name, "redis://:plain-pass@127.0.0.1:9/0"}, {name + "_FILE", file}});
    EXPECT_EQ(both.exit_code, 2) << both.err;
    EXPECT_NE(both.err.find(name + " or " + name + "_FILE"), std::string::npos) << both.err;
    EXPECT_EQ(both.err.find("-pass"), std::string::npos) << both.err;

    auto unreadable = Start("api", {{name + "_FILE", missing}});
    EXPECT_EQ(unreadable.exit_code, 2) << unreadable.err;
    EXPECT_NE(unreadable.err.find(name + "_FILE"), std::string::npos) << unreadable.err;
    EXPECT_NE(unreadable.err.find(missing), std::string::npos) << unreadable.err;
  }
}

TEST_F(SecretSettingsE2e, HelpNamesEveryFileVariantAndNoSecret) {
  ScopedEnv env(std::map<std::string, std::string>{
      {"VOX_QUEUE_URL", "redis://:help-must-not-show@127.0.0.1:9/0"}});
  auto help = RunVox({"serve", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* name : {"VOX_QUEUE_URL_FILE", "VOX_CACHE_URL_FILE", "VOX_RATE_LIMIT_URL_FILE"}) {
    EXPECT_NE(help.out.find(name), std::string::npos) << name << "\n" << help.out;
  }
  EXPECT_EQ(help.out.find("help-must-not-show"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace vox::testing
