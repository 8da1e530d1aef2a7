// Throws thousands of mutated multipart bodies (and a few mutated Content-Type values) at
// ParseMultipart: each must parse into self-consistent parts or fail with a clean error, never
// crash or hang (multipart_testing.h lists the invariants). The libFuzzer target
// multipart_fuzz.cc explores further; this runs in every test pass under g++.
#include <gtest/gtest.h>

#include <random>

#include "http/multipart.h"
#include "http/testing/multipart_testing.h"

namespace vox::http {
namespace {

using namespace std::string_literals;

struct Seed {
  std::string content_type;
  std::string body;
};

std::vector<Seed> Seeds() {
  const std::string b = "------------------------8949b546deebd328";
  std::vector<Seed> seeds;
  seeds.push_back(
      {"multipart/form-data; boundary=" + b,
       "--" + b + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nJane\r\n--" + b +
           "\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"my "
           "%22take%22.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\x00\r\n--x\r\n\xff\r\n--"s +
           b + "--\r\n"});
  seeds.push_back({"multipart/form-data; boundary=\"a:b\"",
                   "preamble\r\n--a:b \r\nContent-Disposition: form-data; name=\"x\\\"y\"\r\n"
                   "Content-Transfer-Encoding: binary\r\n\r\n--a:bc\r\n\r\n--a:b\r\n"
                   "content-disposition: form-data;\r\n\tname=z\r\n\r\n\r\n--a:b--\r\nepilogue"});
  seeds.push_back({"multipart/form-data; boundary=b",
                   testing::EncodeForm({{"f", "f.bin", "application/octet-stream",
                                         "\r\n--b-\r\n--c\r\n\r\n\x00\x01--b\r"s},
                                        {"", std::nullopt, "", ""}},
                                       "b")});
  return seeds;
}

// Tokens that steer mutants toward the parser's decisions.
const std::vector<std::string>& Dictionary() {
  static const std::vector<std::string> kTokens = {"\r\n",
                                                   "\r",
                                                   "\n",
                                                   "--",
                                                   "--b",
                                                   "\r\n--b",
                                                   "\r\n--b--",
                                                   "\"",
                                                   "\\",
                                                   ";",
                                                   "=",
                                                   ":",
                                                   " ",
                                                   "\t",
                                                   "%22",
                                                   "%0D",
                                                   "name=",
                                                   "filename=",
                                                   "Content-Disposition: form-data; name=a\r\n",
                                                   "Content-Type: x/y\r\n",
                                                   "\r\n\r\n",
                                                   "Content-Transfer-Encoding: base64\r\n",
                                                   "\x00"s};
  return kTokens;
}

std::string Mutate(std::string s, std::mt19937& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0:  // flip a byte
        if (pos < s.size()) s[pos] = static_cast<char>(rng());
        break;
      case 1:  // delete a range
        s.erase(pos, 1 + rng() % 16);
        break;
      case 2: {  // insert a token
        const auto& tokens = Dictionary();
        s.insert(pos, tokens[rng() % tokens.size()]);
        break;
      }
      case 3:  // duplicate a range
        if (pos < s.size()) s.insert(pos, s.substr(pos, 1 + rng() % 32));
        break;
      case 4:  // truncate
        s.resize(pos);
        break;
      default: {  // copy a range elsewhere (moves headers and delimiters around)
        if (s.empty()) break;
        const std::size_t from = rng() % s.size();
        s.insert(pos, s.substr(from, 1 + rng() % 48));
      }
    }
  }
  return s;
}

TEST(MultipartMutationTest, MutantsKeepInvariants) {
  std::mt19937 rng(20240517);  // fixed: a failure reproduces
  const MultipartOptions options{.max_parts = 4, .max_header_bytes = 160};
  int parsed = 0, total = 0;
  for (const Seed& seed : Seeds()) {
    ASSERT_EQ(testing::CheckInvariants(seed.body, seed.content_type, options), "");
    ASSERT_TRUE(ParseMultipart(seed.body, seed.content_type, options)) << seed.body;
    for (int i = 0; i < 3000; ++i) {
      const std::string body = Mutate(seed.body, rng);
      const std::string type = i % 10 == 0 ? Mutate(seed.content_type, rng) : seed.content_type;
      const std::string broken = testing::CheckInvariants(body, type, options);
      ASSERT_EQ(broken, "") << "mutant " << i << " of seed " << ::testing::PrintToString(seed.body)
                            << "\ntype: " << ::testing::PrintToString(type)
                            << "\nbody: " << ::testing::PrintToString(body);
      parsed += ParseMultipart(body, type, options).has_value();
      ++total;
    }
  }
  // Both outcomes must be well exercised, or the mutants test only one path.
  EXPECT_GT(parsed, total / 10) << parsed << " of " << total;
  EXPECT_LT(parsed, total * 9 / 10) << parsed << " of " << total;
}

}  // namespace
}  // namespace vox::http
