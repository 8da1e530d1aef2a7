#include "common/base64.h"

#include <gtest/gtest.h>

namespace vox {
namespace {

TEST(Base64, RoundTripsAndMatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  for (const std::string& s : std::initializer_list<std::string>{
           "", "f", "fo", "foo", "foob", std::string("\xff\xfe\x00\x01", 4)}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(s)), s);
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
  }
}

TEST(Base64, DecodingIsStrict) {
  EXPECT_FALSE(Base64UrlDecode("Zm9v="));  // padding
  EXPECT_FALSE(Base64UrlDecode("Zm+v"));   // the standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Z"));      // impossible length
  EXPECT_FALSE(Base64UrlDecode("Zh"));     // stray bits ("Zg" is canonical)
  EXPECT_FALSE(Base64Decode("Zm9vYg"));    // padding required
  EXPECT_FALSE(Base64Decode("Zm9v-_8="));  // the url alphabet
  EXPECT_FALSE(Base64Decode("Zm9vYg==="));
  EXPECT_FALSE(Base64Decode("Zm=vYg=="));
}

}  // namespace
}  // namespace vox
