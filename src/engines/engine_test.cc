#include "engines/engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engines/language.h"

namespace vox::engines {
namespace {

SynthesisParams With(double speed, double pitch, std::string language = {}) {
  SynthesisParams p;
  p.speed = speed;
  p.pitch = pitch;
  p.language = std::move(language);
  return p;
}

TEST(SynthesisParams, AcceptsTheDocumentedRanges) {
  for (double speed : {0.25, 1.0, 4.0}) {
    for (double pitch : {0.5, 1.0, 2.0}) {
      EXPECT_TRUE(With(speed, pitch).Validate().has_value()) << speed << " " << pitch;
    }
  }
  EXPECT_TRUE(With(1, 1, "pt-BR").Validate().has_value());
}

TEST(SynthesisParams, NamesTheFieldOutOfRange) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double speed : {0.24, 4.01, 0.0, -1.0, nan}) {
    auto s = With(speed, 1).Validate();
    ASSERT_FALSE(s.has_value()) << speed;
    EXPECT_EQ(s.error().field, "speed");
    EXPECT_EQ(s.error().code, ErrorCode::kUnprocessable);
  }
  for (double pitch : {0.49, 2.01, nan, std::numeric_limits<double>::infinity()}) {
    auto s = With(1, pitch).Validate();
    ASSERT_FALSE(s.has_value()) << pitch;
    EXPECT_EQ(s.error().field, "pitch");
  }
  auto s = With(1, 1, "english").Validate();
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().field, "language");
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

TEST(Language, ChecksTheShapeOfTags) {
  for (const char* good : {"en", "EN", "pt-BR", "pt_br", "zh-Hans-CN", "es-419", "cmn", "haw"}) {
    EXPECT_TRUE(IsWellFormedLanguageTag(good)) << good;
  }
  for (const char* bad :
       {"", "e", "engl", "en-", "-en", "en--us", "en-toolongsubtag", "e1", "en US", "über"}) {
    EXPECT_FALSE(IsWellFormedLanguageTag(bad)) << bad;
  }
}

TEST(Language, NormalizesAndMatches) {
  EXPECT_EQ(NormalizeLanguageTag("pt_BR"), "pt-br");
  EXPECT_EQ(NormalizeLanguageTag("cmn"), "zh");
  EXPECT_EQ(PrimaryLanguage("en-GB"), "en");
  EXPECT_EQ(PrimaryLanguage("cmn-Hans"), "zh");
  EXPECT_TRUE(LanguageRangeMatches("en", "en-US"));
  EXPECT_TRUE(LanguageRangeMatches("EN-us", "en-US"));
  EXPECT_FALSE(LanguageRangeMatches("en-GB", "en-US"));
  EXPECT_FALSE(LanguageRangeMatches("en-GB", "en"));
  EXPECT_FALSE(LanguageRangeMatches("e", "en"));  // prefix must end at a subtag
  EXPECT_FALSE(LanguageRangeMatches("", "en"));
  EXPECT_TRUE(SamePrimaryLanguage("en-GB", "en_US"));
  EXPECT_FALSE(SamePrimaryLanguage("en", "de"));
  EXPECT_FALSE(SamePrimaryLanguage("", ""));
}

}  // namespace
}  // namespace vox::engines
