#include "http/url.h"

#include <gtest/gtest.h>

namespace vox::http {
namespace {

TEST(http_url, PercentDecode) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a%20b%2Fc+d", false, out));
  EXPECT_EQ(out, "a b/c+d");
  ASSERT_TRUE(PercentDecode("a+b%2B", true, out));
  EXPECT_EQ(out, "a b+");
  ASSERT_TRUE(PercentDecode("%e2%82%AC", false, out));
  EXPECT_EQ(out, "\xe2\x82\xac");
  for (const char* bad : {"%", "%4", "%zz", "abc%g1", "%%"}) {
    EXPECT_FALSE(PercentDecode(bad, false, out)) << bad;
  }
}

TEST(http_url, SplitTarget) {
  TargetParts p;
  ASSERT_TRUE(SplitTarget("/v1/x?a=1&b=2", p));
  EXPECT_EQ(p.path, "/v1/x");
  EXPECT_EQ(p.query, "a=1&b=2");
  ASSERT_TRUE(SplitTarget("/plain", p));
  EXPECT_EQ(p.path, "/plain");
  EXPECT_EQ(p.query, "");
  ASSERT_TRUE(SplitTarget("/p?q=1#frag", p));
  EXPECT_EQ(p.query, "q=1");
  ASSERT_TRUE(SplitTarget("http://example.com:8080/v1/x?y=2", p));
  EXPECT_EQ(p.path, "/v1/x");
  EXPECT_EQ(p.query, "y=2");
  ASSERT_TRUE(SplitTarget("http://example.com", p));
  EXPECT_EQ(p.path, "/");
  ASSERT_TRUE(SplitTarget("http://example.com?z=1", p));
  EXPECT_EQ(p.path, "/");
  EXPECT_EQ(p.query, "z=1");
  EXPECT_FALSE(SplitTarget("*", p));
  EXPECT_FALSE(SplitTarget("relative/path", p));
  EXPECT_FALSE(SplitTarget("", p));
}

TEST(http_url, ParseQuery) {
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(ParseQuery("a=1&b=x+y%21&c&&=v&a=2", q));
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(q[1], (std::pair<std::string, std::string>{"b", "x y!"}));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"c", ""}));
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"", "v"}));
  EXPECT_EQ(q[4], (std::pair<std::string, std::string>{"a", "2"}));
  EXPECT_FALSE(ParseQuery("a=%zz", q));
  ASSERT_TRUE(ParseQuery("", q));
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace vox::http
