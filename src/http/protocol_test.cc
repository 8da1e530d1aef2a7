// Malformed and oversized requests: the core answers JSON errors and closes when it must.
#include <gtest/gtest.h>

#include "http/testing/test_server.h"

namespace vox::http {
namespace {
using testing::Echo;
using testing::ErrorCodeOf;
using testing::TestServer;

Router MakeProtocolRouter() {
  Router r;
  EXPECT_TRUE(r.Add("POST", "/echo", Echo()));
  EXPECT_TRUE(r.Add("GET", "/echo", Echo()));
  EXPECT_TRUE(r.Add("POST", "/upload", Echo(), RouteOptions{.max_body_bytes = 64 * 1024}));
  return r;
}

void SetSmallLimits(HttpServerConfig& c) {
  c.max_header_bytes = 2048;
  c.max_body_bytes = 1024;
}

// Sends raw bytes; expects one error response with `status` and `code`, then (optionally) the
// server closing the connection.
void ExpectErrorReply(TestServer& ts, const std::string& bytes, int status, const char* code,
                      bool closes = true) {
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(raw.Send(bytes));
  auto r = raw.ReadResponse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(ErrorCodeOf(*r), code);
  EXPECT_EQ(r->Header("Content-Type"), "application/json");
  EXPECT_TRUE(r->Header("X-Request-Id"));
  if (closes) {
    EXPECT_FALSE(r->keep_alive);
    EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(2)));
  }
}

TEST(http_protocol, MalformedRequestLine) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  ExpectErrorReply(ts, "GARBAGE\r\n\r\n", 400, "bad_request");
  ExpectErrorReply(ts, "GET /echo HTTP/2.0\r\nHost: x\r\n\r\n", 505, "version_not_supported");
  ExpectErrorReply(ts, "GET /echo HTTP/1.2\r\nHost: x\r\n\r\n", 505, "version_not_supported");
  ExpectErrorReply(ts, "GET /echo\r\nHost: x\r\n\r\n", 400, "bad_request");  // HTTP/0.9 form
  ExpectErrorReply(ts, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400,
                   "bad_request");  // a TLS ClientHello on the plain port
  ExpectErrorReply(ts, "GET  /echo HTTP/1.1\r\n\r\n", 400, "bad_request");
}

TEST(http_protocol, BadHeaderAndBadTarget) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  ExpectErrorReply(ts, "GET /echo HTTP/1.1\r\nNo colon here\r\n\r\n", 400, "bad_request");
  ExpectErrorReply(ts, "GET /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400, "bad_request");
  ExpectErrorReply(ts, "GET echo HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request");
  ExpectErrorReply(ts, "GET /ec%zzho HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request", false);
  ExpectErrorReply(ts, "GET /echo?a=%z HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request", false);
}

TEST(http_protocol, OversizedHeaderIs431) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  std::string big =
      "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n";
  ExpectErrorReply(ts, big, 431, "header_too_large");
  // Under the limit is fine.
  std::string ok = "GET /echo HTTP/1.1\r\nHost: x\r\nX-Ok: " + std::string(1000, 'a') + "\r\n\r\n";
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(raw.Send(ok));
  auto r = raw.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(http_protocol, OversizedBodyByContentLengthRejectedBeforeReading) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  // Announces 10 MB but sends nothing: the 413 must come from the header alone.
  ExpectErrorReply(ts, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n", 413,
                   "payload_too_large");
  // With Expect: 100-continue the client gets 413 instead of 100.
  ExpectErrorReply(ts,
                   "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n"
                   "Expect: 100-continue\r\n\r\n",
                   413, "payload_too_large");
}

TEST(http_protocol, OversizedChunkedBodyCountedAsItArrives) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  std::string chunk(800, 'x');
  std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  req += "320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n";  // 2 x 800 > 1024
  ExpectErrorReply(ts, req, 413, "payload_too_large");
}

TEST(http_protocol, ChunkedBodyWithinLimitIsAssembled) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(
      raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto r = raw.ReadResponse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->JsonBody()["body"], "hello world");
  EXPECT_TRUE(r->keep_alive);
}

TEST(http_protocol, RouteMayAllowLargerBodies) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  HttpClient client = ts.Client();
  std::string body(32 * 1024, 'u');
  auto upload = client.Request("POST", "/upload", body);
  ASSERT_TRUE(upload) << upload.error().ToString();
  EXPECT_EQ(upload->status, 200);
  EXPECT_EQ(upload->JsonBody()["body"].get<std::string>().size(), body.size());
  auto echo = client.Request("POST", "/echo", body);
  ASSERT_TRUE(echo) << echo.error().ToString();
  EXPECT_EQ(echo->status, 413);
  auto too_big = client.Request("POST", "/upload", std::string(65 * 1024, 'u'));
  ASSERT_TRUE(too_big) << too_big.error().ToString();
  EXPECT_EQ(too_big->status, 413);
}

TEST(http_protocol, UnsupportedTransferEncodingIs501) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  ExpectErrorReply(ts, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
                   "not_implemented");
  ExpectErrorReply(ts,
                   "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                   "0\r\n\r\n",
                   501, "not_implemented");
  // Both Content-Length and Transfer-Encoding: a smuggling vector, refused by the parser.
  ExpectErrorReply(ts,
                   "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                   400, "bad_request");
}

TEST(http_protocol, UnmatchedRouteWithBodyClosesInsteadOfReadingIt) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(raw.Send("POST /missing HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
  auto r = raw.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(2)));
}

TEST(http_protocol, ClientClosingMidRequestLeavesServerHealthy) {
  TestServer ts(MakeProtocolRouter(), SetSmallLimits);
  {
    RawConnection raw = ts.Raw();
    ASSERT_TRUE(raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  }  // closed mid-body
  HttpClient client = ts.Client();
  auto r = client.Request("GET", "/echo");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(testing::WaitFor([&] { return ts.server().open_connections() == 1; }));
}

}  // namespace
}  // namespace vox::http
