#include "http/router.h"

#include <gtest/gtest.h>

namespace vox::http {
namespace {

Handler Tag(std::string* hit, std::string name) {
  return [hit, name](Request&, Responder) { *hit = name; };
}

class http_router : public ::testing::Test {
 protected:
  // Runs the matched handler (with a detached Responder) and returns its tag.
  std::string Dispatch(std::string_view method, std::string_view path) {
    hit_.clear();
    RouteMatch m = router_.Match(method, path, params_);
    if (m.kind != RouteMatch::Kind::kFound) return "";
    Request request;
    (*m.handler)(request, Responder(nullptr));
    return hit_;
  }

  Router router_;
  std::string hit_;
  std::vector<std::pair<std::string, std::string>> params_;
};

TEST_F(http_router, LiteralAndParams) {
  ASSERT_TRUE(router_.Add("GET", "/v1/tts/job/{job_id}", Tag(&hit_, "job")));
  ASSERT_TRUE(router_.Add("GET", "/v1/voices", Tag(&hit_, "voices")));
  ASSERT_TRUE(router_.Add("GET", "/", Tag(&hit_, "root")));
  EXPECT_EQ(Dispatch("GET", "/v1/voices"), "voices");
  EXPECT_EQ(Dispatch("GET", "/"), "root");
  EXPECT_EQ(Dispatch("GET", "/v1/tts/job/abc-123"), "job");
  ASSERT_EQ(params_.size(), 1u);
  EXPECT_EQ(params_[0].first, "job_id");
  EXPECT_EQ(params_[0].second, "abc-123");
  EXPECT_EQ(router_.Match("GET", "/v1/tts/job/abc", params_).pattern, "/v1/tts/job/{job_id}");
}

TEST_F(http_router, NotFoundTrailingSlashAndEmptyParams) {
  ASSERT_TRUE(router_.Add("GET", "/v1/voices", Tag(&hit_, "voices")));
  ASSERT_TRUE(router_.Add("GET", "/v1/tts/job/{job_id}", Tag(&hit_, "job")));
  EXPECT_EQ(router_.Match("GET", "/v1/voices/", params_).kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match("GET", "/v1//voices", params_).kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match("GET", "/v1/tts/job/", params_).kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match("GET", "/v1/tts/job/a/b", params_).kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.Match("GET", "/nothing", params_).kind, RouteMatch::Kind::kNotFound);
  std::string deep = "/";
  for (int i = 0; i < 40; ++i) deep += "a/";
  EXPECT_EQ(router_.Match("GET", deep, params_).kind, RouteMatch::Kind::kNotFound);
}

TEST_F(http_router, MethodNotAllowedListsMethods) {
  ASSERT_TRUE(router_.Add("GET", "/v1/tts/job/{id}", Tag(&hit_, "get")));
  ASSERT_TRUE(router_.Add("DELETE", "/v1/tts/job/{id}", Tag(&hit_, "delete")));
  RouteMatch m = router_.Match("POST", "/v1/tts/job/x", params_);
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
  EXPECT_EQ(m.pattern, "/v1/tts/job/{id}");
  EXPECT_EQ(Dispatch("DELETE", "/v1/tts/job/x"), "delete");
}

TEST_F(http_router, HeadFallsBackToGet) {
  ASSERT_TRUE(router_.Add("GET", "/a", Tag(&hit_, "get")));
  EXPECT_EQ(Dispatch("HEAD", "/a"), "get");
  ASSERT_TRUE(router_.Add("HEAD", "/a", Tag(&hit_, "head")));
  EXPECT_EQ(Dispatch("HEAD", "/a"), "head");
}

TEST_F(http_router, LiteralBeatsParamWhateverTheOrder) {
  ASSERT_TRUE(router_.Add("GET", "/jobs/{id}", Tag(&hit_, "param")));
  ASSERT_TRUE(router_.Add("GET", "/jobs/stats", Tag(&hit_, "literal")));
  EXPECT_EQ(Dispatch("GET", "/jobs/stats"), "literal");
  EXPECT_EQ(Dispatch("GET", "/jobs/other"), "param");
  // A more specific pattern without the method falls through to a param pattern with it.
  ASSERT_TRUE(router_.Add("POST", "/items/new", Tag(&hit_, "new")));
  ASSERT_TRUE(router_.Add("GET", "/items/{id}", Tag(&hit_, "item")));
  EXPECT_EQ(Dispatch("GET", "/items/new"), "item");
}

TEST_F(http_router, PercentDecodingPerSegment) {
  ASSERT_TRUE(router_.Add("GET", "/files/{name}", Tag(&hit_, "file")));
  ASSERT_TRUE(router_.Add("GET", "/caf\xc3\xa9", Tag(&hit_, "cafe")));
  EXPECT_EQ(Dispatch("GET", "/files/a%2Fb%20c"), "file");
  ASSERT_EQ(params_.size(), 1u);
  EXPECT_EQ(params_[0].second, "a/b c");  // %2F stays inside the segment
  EXPECT_EQ(Dispatch("GET", "/caf%C3%A9"), "cafe");
  EXPECT_EQ(router_.Match("GET", "/files/%zz", params_).kind, RouteMatch::Kind::kBadPath);
  EXPECT_EQ(Dispatch("GET", "/files/a+b"), "file");
  EXPECT_EQ(params_[0].second, "a+b");  // '+' is literal in a path
}

TEST_F(http_router, AddValidates) {
  Handler h = [](Request&, Responder) {};
  EXPECT_FALSE(router_.Add("get", "/a", h));
  EXPECT_FALSE(router_.Add("GET", "a", h));
  EXPECT_FALSE(router_.Add("GET", "/a/{}", h));
  EXPECT_FALSE(router_.Add("GET", "/a/{1x}", h));
  EXPECT_FALSE(router_.Add("GET", "/a/{x}/{x}", h));
  EXPECT_FALSE(router_.Add("GET", "/a/b{x}", h));
  EXPECT_FALSE(router_.Add("GET", "/a", Handler()));
  ASSERT_TRUE(router_.Add("GET", "/a/{x}", h));
  auto dup = router_.Add("GET", "/a/{x}", h);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  auto shape = router_.Add("POST", "/a/{y}", h);
  ASSERT_FALSE(shape);
  EXPECT_EQ(shape.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(router_.Add("POST", "/a/{x}", h));
}

}  // namespace
}  // namespace vox::http
