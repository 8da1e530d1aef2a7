// A test fixture for secrets from files (common/secret_file.h): a fresh temporary directory
// per test, and Write() to put a secret file in it. Shared by every test of a NAME_FILE setting.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace vox::testing {

class SecretFileFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/vox-secret-XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // The path of a new file `name` in the directory, holding `content` byte for byte.
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string dir_;
};

}  // namespace vox::testing
