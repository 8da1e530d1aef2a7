// The playground's routes over a real loopback server: every embedded file served with its
// type, the strict CSP, an ETag that revalidates to 304, and no route beyond the site's own.
// Also checks the site's files refer only to files that are embedded.
#include "web/static_site.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "http/server.h"
#include "http/testing/test_client.h"

namespace vox::web {
namespace {

std::string PathOf(const EmbeddedFile& f) {
  return f.name == "index.html" ? "/" : "/web/" + std::string(f.name);
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::Router router;
    ASSERT_TRUE(AddWebRoutes(router));
    http::HttpServerConfig config;
    config.listen = "127.0.0.1:0";
    server_ = std::make_unique<http::HttpServer>(config, std::move(router));
    ASSERT_TRUE(server_->Start());
    client_ = std::make_unique<http::HttpClient>("127.0.0.1", server_->port());
  }
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<http::HttpClient> client_;
};

TEST_F(StaticSiteTest, ServesEveryFileWithTypeCspAndETag) {
  ASSERT_GE(EmbeddedFiles().size(), 3u);
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    SCOPED_TRACE(std::string(f.name));
    EXPECT_NE(ContentTypeFor(f.name), "application/octet-stream");
    auto r = client_->Request("GET", PathOf(f));
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, f.bytes);
    EXPECT_EQ(r->Header("Content-Type").value_or(""), ContentTypeFor(f.name));
    EXPECT_EQ(r->Header("Content-Security-Policy").value_or(""), kContentSecurityPolicy);
    EXPECT_EQ(r->Header("X-Content-Type-Options").value_or(""), "nosniff");
    EXPECT_EQ(r->Header("Cache-Control").value_or(""), "no-cache");
    const std::string etag(r->Header("ETag").value_or(""));
    EXPECT_EQ(etag, "\"" + std::string(f.sha256.substr(0, 32)) + "\"");

    for (const std::string& validator :
         {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
      auto again = client_->Request("GET", PathOf(f), {}, {{"If-None-Match", validator}});
      ASSERT_TRUE(again);
      EXPECT_EQ(again->status, 304) << validator;
      EXPECT_TRUE(again->body.empty());
      EXPECT_EQ(again->Header("ETag").value_or(""), etag);
    }
    auto changed = client_->Request("GET", PathOf(f), {}, {{"If-None-Match", "\"stale\""}});
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->status, 200);
    auto head = client_->Request("HEAD", PathOf(f));
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
  }
}

TEST_F(StaticSiteTest, TakesOnlyItsOwnPaths) {
  for (const char* path : {"/v1/voices", "/healthz", "/metrics", "/web/", "/web/nope.js",
                           "/index.html", "/web/index.html", "/web/../web/main.js"}) {
    auto r = client_->Request("GET", path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path;
  }
  auto post = client_->Request("POST", "/", "x");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

TEST(StaticSite, FilesReferOnlyToEmbeddedFiles) {
  std::set<std::string> names;
  for (const EmbeddedFile& f : EmbeddedFiles()) names.insert(std::string(f.name));
  ASSERT_TRUE(names.contains("index.html"));
  // Absolute references from the page, and relative ES module imports between scripts.
  const std::regex page_ref(R"((?:src|href)="/web/([^"]+)\")");
  const std::regex import_ref(R"(from '\./([^']+)')");
  int refs = 0;
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    const std::string text(f.bytes);
    for (const std::regex* re : {&page_ref, &import_ref}) {
      for (std::sregex_iterator it(text.begin(), text.end(), *re), end; it != end; ++it) {
        ++refs;
        EXPECT_TRUE(names.contains((*it)[1].str())) << f.name << " refers to " << (*it)[1];
      }
    }
    if (f.name.ends_with(".html")) {
      // The CSP forbids inline code: it would not run.
      EXPECT_EQ(text.find("<script>"), std::string::npos) << f.name;
      EXPECT_EQ(text.find("style=\""), std::string::npos) << f.name;
      EXPECT_FALSE(std::regex_search(text, std::regex(R"(\son[a-z]+=)"))) << f.name;
    }
  }
  EXPECT_GT(refs, 5);
}

}  // namespace
}  // namespace vox::web
