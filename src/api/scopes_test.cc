#include "api/scopes.h"

#include <gtest/gtest.h>

#include "api/route_scopes.h"

namespace vox::api {
namespace {

TEST(Scopes, ParsesCommaAndSpaceSeparatedNames) {
  auto s = ParseScopes("tts:read,voices:read");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_TRUE(s->Has(Scope::kTtsRead));
  EXPECT_TRUE(s->Has(Scope::kVoicesRead));
  EXPECT_FALSE(s->Has(Scope::kTtsWrite));
  EXPECT_FALSE(s->Has(Scope::kAdmin));
  EXPECT_EQ(s->ToString(), "tts:read voices:read");
  EXPECT_EQ(s->ToString(','), "tts:read,voices:read");
  // Spaces, commas, repeats and empty items all read the same.
  auto spaced = ParseScopes(" voices:read  tts:read,,tts:read ");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(*spaced, *s);
  EXPECT_TRUE(ParseScopes("")->empty());
}

TEST(Scopes, RoundTripsEverySet) {
  for (const char* text :
       {"tts:read tts:write voices:read voices:write admin", "admin", "tts:write voices:write"}) {
    auto s = ParseScopes(text);
    ASSERT_TRUE(s) << text;
    EXPECT_EQ(s->ToString(), text);
  }
  EXPECT_EQ(ScopeSet::All().ToString(), "tts:read tts:write voices:read voices:write admin");
  EXPECT_EQ(ScopeSet::Default(), ScopeSet::All().Without(Scope::kAdmin));
}

TEST(Scopes, RefusesUnknownNamesNamingThem) {
  for (const char* text : {"tts:read,tts:delete", "TTS:READ", "admin:", "tts", "tts:read\t"}) {
    auto s = ParseScopes(text, "--scopes");
    ASSERT_FALSE(s) << text;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().field, "--scopes");
    EXPECT_NE(s.error().message.find("unknown scope"), std::string::npos);
  }
}

TEST(Scopes, SetAlgebra) {
  ScopeSet read = *ParseScopes("tts:read voices:read");
  EXPECT_TRUE(ScopeSet::All().Contains(read));
  EXPECT_FALSE(read.Contains(ScopeSet::All()));
  EXPECT_EQ(ScopeSet::Default().Intersect(*ParseScopes("admin tts:read")),
            *ParseScopes("tts:read"));
}

TEST(Scopes, MissingScopeNamesIt) {
  Error e = MissingScope(Scope::kVoicesWrite);
  EXPECT_EQ(e.code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(e.field, "scope");
  EXPECT_NE(e.message.find("'voices:write'"), std::string::npos);
}

TEST(RouteScopes, LooksUpTheMatchedRouteAndFailsClosed) {
  RouteScopes scopes;
  scopes.Declare("GET", "/v1/tts/job/{job_id}", Scope::kTtsRead);
  scopes.Declare("DELETE", "/v1/tts/job/{job_id}", Scope::kTtsWrite);
  http::Request r;
  r.route = "/v1/tts/job/{job_id}";
  r.method = "GET";
  EXPECT_EQ(scopes.For(r), Scope::kTtsRead);
  r.method = "HEAD";
  EXPECT_EQ(scopes.For(r), Scope::kTtsRead);
  r.method = "DELETE";
  EXPECT_EQ(scopes.For(r), Scope::kTtsWrite);
  r.method = "POST";  // declared for other methods only
  EXPECT_EQ(scopes.For(r), Scope::kAdmin);
  r.route = "/v1/new/route";
  r.method = "GET";
  EXPECT_EQ(scopes.For(r), Scope::kAdmin);
}

}  // namespace
}  // namespace vox::api
