#include "blob/s3/s3_config.h"

#include <gtest/gtest.h>

#include <map>

#include "common/testing/secret_file_fixture.h"

namespace vox::blob {
namespace {

S3Config::GetEnv Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const std::map<std::string, std::string> kCreds = {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                                   {"AWS_SECRET_ACCESS_KEY", "very-secret-key"},
                                                   {"AWS_SESSION_TOKEN", "session-token-value"}};

TEST(S3Config, ParsesEveryUrlSetting) {
  auto config = S3Config::FromUrl(
      "s3://vox-audio/tenants/a/?endpoint=http%3A%2F%2F127.0.0.1%3A9000/&region=eu-west-1"
      "&path_style=1&sse=AES256&connect_timeout_ms=250&timeout_ms=9000&max_attempts=2",
      Env(kCreds));
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->bucket, "vox-audio");
  EXPECT_EQ(config->prefix, "tenants/a");
  EXPECT_EQ(config->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(config->region, "eu-west-1");
  EXPECT_TRUE(config->path_style);
  EXPECT_EQ(config->sse, "AES256");
  EXPECT_EQ(config->connect_timeout_ms, 250);
  EXPECT_EQ(config->request_timeout_ms, 9000);
  EXPECT_EQ(config->max_attempts, 2);
  EXPECT_EQ(config->credentials.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(config->credentials.session_token, "session-token-value");
  EXPECT_TRUE(config->Validate());
  EXPECT_EQ(config->HostHeader(), "127.0.0.1:9000");
  EXPECT_EQ(config->ObjectKey("audio/x.wav"), "tenants/a/audio/x.wav");
  EXPECT_EQ(config->RequestPath(config->ObjectKey("audio/x.wav")),
            "/vox-audio/tenants/a/audio/x.wav");
  EXPECT_EQ(config->RequestPath(""), "/vox-audio");
}

TEST(S3Config, DefaultsToAwsVirtualHostsAndEnvRegion) {
  auto env = kCreds;
  env["AWS_DEFAULT_REGION"] = "ap-south-1";
  auto config = S3Config::FromUrl("s3://vox-audio", Env(env));
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->path_style);
  EXPECT_EQ(config->region, "ap-south-1");
  EXPECT_EQ(config->BaseUrl(), "https://vox-audio.s3.ap-south-1.amazonaws.com");
  EXPECT_EQ(config->RequestPath("a/b.wav"), "/a/b.wav");
  EXPECT_EQ(config->RequestPath(""), "/");
  EXPECT_TRUE(config->Validate());

  env["AWS_REGION"] = "us-west-2";  // wins over AWS_DEFAULT_REGION, as in the AWS SDKs
  EXPECT_EQ(S3Config::FromUrl("s3://vox-audio", Env(env))->region, "us-west-2");
  EXPECT_EQ(S3Config::FromUrl("s3://vox-audio?region=eu-north-1", Env(env))->region, "eu-north-1");
}

TEST(S3Config, EndpointDefaultsToPathStyleButVirtualHostCanBeChosen) {
  auto config =
      S3Config::FromUrl("s3://b-1?endpoint=http://s3.localhost:9000&path_style=0", Env(kCreds));
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->Validate());
  EXPECT_EQ(config->BaseUrl(), "http://b-1.s3.localhost:9000");
  EXPECT_TRUE(S3Config::FromUrl("s3://b-1?endpoint=http://minio:9000", Env(kCreds))->path_style);
}

TEST(S3Config, ToStringRedactsCredentials) {
  auto config = S3Config::FromUrl("s3://vox-audio?endpoint=http://127.0.0.1:9000", Env(kCreds));
  ASSERT_TRUE(config);
  std::string text = config->ToString();
  EXPECT_EQ(text.find("AKIDEXAMPLE"), std::string::npos);
  EXPECT_EQ(text.find("very-secret-key"), std::string::npos);
  EXPECT_EQ(text.find("session-token-value"), std::string::npos);
  EXPECT_NE(text.find("secret_access_key=<redacted>"), std::string::npos);
  EXPECT_NE(text.find("http://127.0.0.1:9000"), std::string::npos);
}

TEST(S3Config, EndpointCredentialsNeverPrinted) {
  auto config =
      S3Config::FromUrl("s3://vox-audio?endpoint=http://AKID:hunter2@minio:9000", Env(kCreds));
  ASSERT_TRUE(config);
  auto valid = config->Validate();
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().message.find("hunter2"), std::string::npos) << valid.error().message;
  EXPECT_NE(valid.error().message.find("http://***@minio:9000"), std::string::npos)
      << valid.error().message;
  EXPECT_EQ(config->ToString().find("hunter2"), std::string::npos) << config->ToString();
}

struct BadCase {
  std::string url;
  std::map<std::string, std::string> env;
  std::string field;
};

TEST(S3Config, ErrorsNameTheSettingAtFault) {
  auto no_secret = kCreds;
  no_secret.erase("AWS_SECRET_ACCESS_KEY");
  const std::vector<BadCase> cases = {
      {"s3://Bad_Bucket", kCreds, "VOX_STORAGE_URL"},
      {"s3://ab", kCreds, "VOX_STORAGE_URL"},
      {"s3://192.168.1.1", kCreds, "VOX_STORAGE_URL"},
      {"s3://b-1/../up", kCreds, "VOX_STORAGE_URL"},
      {"s3://b-1?endpoint=ftp://x", kCreds, "VOX_STORAGE_URL"},
      {"s3://b-1?endpoint=http://x:1/base/path", kCreds, "VOX_STORAGE_URL"},
      {"s3://b-1?endpoint=http://127.0.0.1:9000&path_style=0", kCreds, "VOX_STORAGE_URL"},
      {"s3://b.with.dots", kCreds, "VOX_STORAGE_URL"},  // virtual host over https
      {"s3://b-1?sse=rot13", kCreds, "VOX_STORAGE_URL"},
      {"s3://b-1?region=EU_WEST", kCreds, "VOX_STORAGE_URL"},
      {"s3://b-1?max_attempts=0", kCreds, "VOX_STORAGE_URL"},
      {"s3://b-1", {}, "AWS_ACCESS_KEY_ID"},
      {"s3://b-1", no_secret, "AWS_SECRET_ACCESS_KEY"},
  };
  for (const auto& c : cases) {
    auto config = S3Config::FromUrl(c.url, Env(c.env));
    Error error =
        config ? (config->Validate() ? Error{} : config->Validate().error()) : config.error();
    EXPECT_EQ(error.code, ErrorCode::kInvalidArgument) << c.url;
    EXPECT_EQ(error.field, c.field) << c.url << ": " << error.message;
  }
  for (const std::string url : {"s3://b-1?colour=blue", "s3://b-1?path_style=maybe",
                                "s3://b-1?timeout_ms=soon", "s3://b-1?endpoint=%zz"}) {
    auto config = S3Config::FromUrl(url, Env(kCreds));
    ASSERT_FALSE(config) << url;
    EXPECT_EQ(config.error().field, "VOX_STORAGE_URL");
  }
  EXPECT_TRUE(S3Config::FromUrl("s3://b.with.dots?path_style=1", Env(kCreds))->Validate());
}

TEST(S3Config, AnEmptySseAsksForNoServerSideEncryption) {
  // deploy/compose.yaml relies on it: MinIO without a KMS refuses sse=AES256.
  auto config = S3Config::FromUrl("s3://vox-audio?endpoint=http://minio:9000&sse=", Env(kCreds));
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->sse, "");
  EXPECT_TRUE(config->Validate());
}

// The credentials follow every secret's rules (common/secret_file.h): NAME or NAME_FILE.
using S3CredentialFiles = vox::testing::SecretFileFixture;

TEST_F(S3CredentialFiles, ReadsEachCredentialFromItsFileWithoutTheNewline) {
  auto config = S3Config::FromUrl(
      "s3://vox-audio", Env({{"AWS_ACCESS_KEY_ID_FILE", Write("id", "AKIDFROMFILE\n")},
                             {"AWS_SECRET_ACCESS_KEY_FILE", Write("key", "file-secret\r\n")},
                             {"AWS_SESSION_TOKEN_FILE", Write("token", "file-token\n")}}));
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->credentials.access_key_id, "AKIDFROMFILE");
  EXPECT_EQ(config->credentials.secret_access_key, "file-secret");
  EXPECT_EQ(config->credentials.session_token, "file-token");
  EXPECT_TRUE(config->Validate());
  for (const char* secret : {"AKIDFROMFILE", "file-secret", "file-token"}) {
    EXPECT_EQ(config->ToString().find(secret), std::string::npos) << secret;
  }
}

TEST_F(S3CredentialFiles, BothFormsOfOneCredentialAreRefusedNamingBoth) {
  for (const std::string name :
       {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}) {
    auto env = kCreds;
    env[name + "_FILE"] = Write("both", "from-the-file\n");
    auto config = S3Config::FromUrl("s3://vox-audio", Env(env));
    ASSERT_FALSE(config) << name << " plain silently won";
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(config.error().field, name + "_FILE");
    EXPECT_NE(config.error().message.find(name + " or " + name + "_FILE"), std::string::npos)
        << config.error().message;
    EXPECT_EQ(config.error().message.find("from-the-file"), std::string::npos);
    EXPECT_EQ(config.error().message.find(env.at(name)), std::string::npos);
  }
}

TEST_F(S3CredentialFiles, AnUnreadableFileIsAnErrorNamingVariableAndPath) {
  auto no_id = kCreds;
  no_id.erase("AWS_ACCESS_KEY_ID");
  const std::string missing = dir_ + "/no-such-file";
  const std::string empty = Write("empty", "\n");
  for (const std::string& path : {missing, empty, dir_}) {
    auto env = no_id;
    env["AWS_ACCESS_KEY_ID_FILE"] = path;
    auto config = S3Config::FromUrl("s3://vox-audio", Env(env));
    ASSERT_FALSE(config) << path;
    EXPECT_EQ(config.error().field, "AWS_ACCESS_KEY_ID_FILE") << path;
    EXPECT_NE(config.error().message.find(path), std::string::npos) << config.error().message;
  }
}

}  // namespace
}  // namespace vox::blob
