#include "http/errors.h"

#include <gtest/gtest.h>

#include "http/request_id.h"

namespace vox::http {
namespace {

TEST(http_errors, MapsEveryErrorCode) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnprocessable), 422);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kCanceled), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
}

TEST(http_errors, ErrorResponseCarriesCodeMessageField) {
  Response r = ErrorResponse(Error{ErrorCode::kInvalidArgument, "text is empty", "text"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.Get("content-type"), "application/json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_EQ(body["error"]["message"], "text is empty");
  EXPECT_EQ(body["error"]["field"], "text");
}

TEST(http_errors, OverrideAndOmittedField) {
  Response r = ErrorResponse(Error{ErrorCode::kInvalidArgument, "speed out of range", ""}, 422);
  EXPECT_EQ(r.status, 422);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_FALSE(body["error"].contains("field"));
  Response big = ErrorResponse(Error{ErrorCode::kResourceExhausted, "too big", "file"}, 413);
  EXPECT_EQ(big.status, 413);
}

TEST(http_errors, InternalMessagesAreNotLeaked) {
  Response r = ErrorResponse(Error{ErrorCode::kInternal, "sqlite: /var/lib/x.db locked", "db"});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "internal");
  EXPECT_FALSE(body["error"].contains("field"));
}

TEST(http_errors, UnavailableHasRetryAfterUnauthenticatedHasChallenge) {
  Response r = ErrorResponse(Error{ErrorCode::kUnavailable, "queue full", ""});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers.Get("Retry-After"), std::to_string(kRetryAfterSeconds));
  EXPECT_NE(r.body.find("queue full"), std::string::npos);
  Response auth = ErrorResponse(Error{ErrorCode::kUnauthenticated, "missing key", ""});
  EXPECT_EQ(auth.status, 401);
  EXPECT_EQ(auth.headers.Get("WWW-Authenticate"), "Bearer");
}

TEST(http_errors, JsonNeverThrowsOnInvalidUtf8) {
  Response r = JsonError(400, "bad_request", std::string("bad \xff byte"));
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded());
  EXPECT_EQ(body["error"]["code"], "bad_request");
}

TEST(http_request_id, ValidatesAndGenerates) {
  EXPECT_TRUE(IsValidRequestId("abc-DEF_1.2"));
  EXPECT_TRUE(IsValidRequestId(std::string(128, 'a')));
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsValidRequestId("a b"));
  EXPECT_FALSE(IsValidRequestId("a\r\nX: y"));
  std::string a = GenerateRequestId();
  std::string b = GenerateRequestId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_TRUE(IsValidRequestId(a));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace vox::http
