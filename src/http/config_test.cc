#include "http/config.h"

#include <gtest/gtest.h>

namespace vox::http {
namespace {

TEST(http_config, DefaultsAreValid) {
  HttpServerConfig config;
  EXPECT_TRUE(config.Validate());
  EXPECT_NE(config.ToString().find("listen=127.0.0.1:8080"), std::string::npos);
}

TEST(http_config, ParsesListenForms) {
  auto v4 = ParseListenAddress("0.0.0.0:0");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "0.0.0.0");
  EXPECT_EQ(v4->port, 0);
  auto v6 = ParseListenAddress("[::1]:8443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
  auto name = ParseListenAddress("localhost:80");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "localhost");
}

TEST(http_config, RejectsBadListen) {
  for (const char* bad : {"", "8080", ":8080", "host:", "host:65536", "host:-1", "host:80x",
                          "::1:80", "[::1]80", "[::1"}) {
    auto r = ParseListenAddress(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "listen") << bad;
  }
}

TEST(http_config, ValidateNamesTheBadSetting) {
  struct Case {
    void (*mutate)(HttpServerConfig&);
    const char* field;
  };
  const Case cases[] = {
      {[](HttpServerConfig& c) { c.listen = "nope"; }, "listen"},
      {[](HttpServerConfig& c) { c.io_threads = 0; }, "io_threads"},
      {[](HttpServerConfig& c) { c.max_header_bytes = 10; }, "max_header_bytes"},
      {[](HttpServerConfig& c) { c.max_body_bytes = uint64_t{1} << 41; }, "max_body_bytes"},
      {[](HttpServerConfig& c) { c.header_timeout = std::chrono::milliseconds(0); },
       "header_timeout"},
      {[](HttpServerConfig& c) { c.body_timeout = std::chrono::milliseconds(-1); }, "body_timeout"},
      {[](HttpServerConfig& c) { c.keep_alive_idle_timeout = {}; }, "keep_alive_idle_timeout"},
      {[](HttpServerConfig& c) { c.write_timeout = {}; }, "write_timeout"},
      {[](HttpServerConfig& c) { c.linger_timeout = {}; }, "linger_timeout"},
      {[](HttpServerConfig& c) { c.max_connections = 0; }, "max_connections"},
  };
  for (const Case& c : cases) {
    HttpServerConfig config;
    c.mutate(config);
    auto status = config.Validate();
    ASSERT_FALSE(status) << c.field;
    EXPECT_EQ(status.error().field, c.field);
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace vox::http
