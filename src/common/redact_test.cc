#include "common/redact.h"

#include <gtest/gtest.h>

namespace vox {
namespace {

struct Case {
  const char* url;
  const char* redacted;
};

// One case per line: what operators write, and what a log may show of it.
constexpr Case kCases[] = {
    {"sqlite:///data/vox.db", "sqlite:///data/vox.db"},
    {"sqlite:///data/vox.db?readers=4", "sqlite:///data/vox.db?readers=4"},
    {"postgresql://vox@db/vox", "postgresql://***@db/vox"},
    {"postgresql://vox:hunter2@db:5432/vox", "postgresql://***@db:5432/vox"},
    {"postgresql://db/vox?user=vox&password=hunter2&sslmode=require",
     "postgresql://db/vox?user=vox&password=***&sslmode=require"},
    {"postgresql://db/vox?PassWord=hunter2", "postgresql://db/vox?PassWord=***"},
    {"postgresql://db/vox?pass%77ord=hunter2", "postgresql://db/vox?pass%77ord=***"},
    {"postgresql://db/vox?sslpassword=hunter2", "postgresql://db/vox?sslpassword=***"},
    {"postgresql://u:p@ss?w#rd@db/vox", "postgresql://***@db/vox"},
    {"postgres://u:pw@db/vox?password=x#frag", "postgres://***@db/vox?password=***#frag"},
    {"redis://:hunter2@cache:6379/0", "redis://***@cache:6379/0"},
    {"redis://default:hunter2@cache:6379", "redis://***@cache:6379"},
    {"redis://cache:6379/0?password=hunter2", "redis://cache:6379/0?password=***"},
    {"s3://bucket?endpoint=http://s3:9000&region=us-east-1",
     "s3://bucket?endpoint=http://s3:9000&region=us-east-1"},
    {"s3://bucket/prefix?access_key_id=AKIA&secret_access_key=abc&session_token=t",
     "s3://bucket/prefix?access_key_id=***&secret_access_key=***&session_token=***"},
    {"s3://AKIA:abc@bucket?region=eu-west-1", "s3://***@bucket?region=eu-west-1"},
    {"https://hooks.example/x?sig=1&X-Amz-Signature=abc",
     "https://hooks.example/x?sig=1&X-Amz-Signature=***"},
    {"local://", "local://"},
    {"database", "database"},
    {"", ""},
    {"postgresql://db/vox?password", "postgresql://db/vox?password"},  // no value to hide
    {"postgresql://db/vox?password=", "postgresql://db/vox?password=***"},
    {"user:pw@host", "***@host"},  // no scheme: still user info
};

TEST(RedactUrl, HidesUserInfoAndSecretParameters) {
  for (const Case& c : kCases) EXPECT_EQ(RedactUrl(c.url), c.redacted) << c.url;
}

TEST(RedactUrl, NeverShowsTheSecret) {
  for (const Case& c : kCases) {
    for (const char* secret : {"hunter2", "abc@", ":pw@", "w#rd"}) {
      EXPECT_EQ(RedactUrl(c.url).find(secret), std::string::npos) << c.url;
    }
  }
}

}  // namespace
}  // namespace vox
