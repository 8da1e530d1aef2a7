#include "common/secret_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>

#include "common/testing/secret_file_fixture.h"

namespace vox {
namespace {

using SecretFileTest = vox::testing::SecretFileFixture;

TEST_F(SecretFileTest, ReadsTheFileWithoutItsTrailingNewline) {
  EXPECT_EQ(ReadSecretFile(Write("a", "s3cret\n"), "X_FILE").value(), "s3cret");
  EXPECT_EQ(ReadSecretFile(Write("b", "s3cret\r\n"), "X_FILE").value(), "s3cret");
  EXPECT_EQ(ReadSecretFile(Write("c", "two\nlines\n"), "X_FILE").value(), "two\nlines");
  EXPECT_EQ(ReadSecretFile(Write("d", std::string("a\0b", 3)), "X_FILE").value(),
            std::string("a\0b", 3));  // bytes kept as they are
}

TEST_F(SecretFileTest, RefusesMissingEmptyAndHugeFilesNamingTheSetting) {
  for (const std::string& path : {dir_ + "/missing", Write("empty", ""), Write("newline", "\n"),
                                  Write("huge", std::string(64 * 1024 + 1, 'x'))}) {
    auto r = ReadSecretFile(path, "VOX_JWT_SECRET_FILE");
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().field, "VOX_JWT_SECRET_FILE");
    EXPECT_EQ(r.error().message.find("xxxx"), std::string::npos);  // never the content
  }
}

TEST_F(SecretFileTest, ResolvesOneOfValueAndFile) {
  EXPECT_EQ(ResolveSecret("direct", "", "VOX_SIGNING_SECRET").value(), "direct");
  EXPECT_EQ(ResolveSecret("", Write("s", "from file\n"), "VOX_SIGNING_SECRET").value(),
            "from file");
  EXPECT_EQ(ResolveSecret("", "", "VOX_SIGNING_SECRET").value(), "");
  auto both = ResolveSecret("direct", Write("t", "file"), "VOX_SIGNING_SECRET");
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().field, "VOX_SIGNING_SECRET_FILE");
}

TEST_F(SecretFileTest, SecretFromEnvFallsBackToTheFileVariant) {
  ::unsetenv("VOX_TEST_SECRET");
  ::unsetenv("VOX_TEST_SECRET_FILE");
  EXPECT_FALSE(SecretFromEnv("VOX_TEST_SECRET").value().has_value());
  ::setenv("VOX_TEST_SECRET_FILE", Write("env", "key-from-file\n").c_str(), 1);
  EXPECT_EQ(SecretFromEnv("VOX_TEST_SECRET").value(), "key-from-file");
  ::unsetenv("VOX_TEST_SECRET_FILE");
  ::setenv("VOX_TEST_SECRET", "key-from-env", 1);
  EXPECT_EQ(SecretFromEnv("VOX_TEST_SECRET").value(), "key-from-env");
  ::unsetenv("VOX_TEST_SECRET");
}

TEST_F(SecretFileTest, SecretFromEnvRefusesBothFormsAndAnUnreadableFile) {
  const std::string file = Write("f", "key-from-file\n");
  std::map<std::string, std::string> env = {{"AWS_SECRET_ACCESS_KEY", "key-from-env"},
                                            {"AWS_SECRET_ACCESS_KEY_FILE", file}};
  auto lookup = [&env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  // Both forms: neither wins silently; the error names both variables, never the values.
  auto both = SecretFromEnv("AWS_SECRET_ACCESS_KEY", lookup);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().field, "AWS_SECRET_ACCESS_KEY_FILE");
  EXPECT_NE(both.error().message.find("AWS_SECRET_ACCESS_KEY or AWS_SECRET_ACCESS_KEY_FILE"),
            std::string::npos)
      << both.error().message;
  EXPECT_EQ(both.error().message.find("key-from"), std::string::npos);

  // A file that cannot be read: an error naming the variable and the path.
  env.erase("AWS_SECRET_ACCESS_KEY");
  env["AWS_SECRET_ACCESS_KEY_FILE"] = dir_ + "/missing";
  auto unreadable = SecretFromEnv("AWS_SECRET_ACCESS_KEY", lookup);
  ASSERT_FALSE(unreadable);
  EXPECT_EQ(unreadable.error().field, "AWS_SECRET_ACCESS_KEY_FILE");
  EXPECT_NE(unreadable.error().message.find(dir_ + "/missing"), std::string::npos);

  // An empty variable counts as unset, as for the flags.
  env["AWS_SECRET_ACCESS_KEY"] = "";
  env["AWS_SECRET_ACCESS_KEY_FILE"] = file;
  EXPECT_EQ(SecretFromEnv("AWS_SECRET_ACCESS_KEY", lookup).value(), "key-from-file");
}

}  // namespace
}  // namespace vox
