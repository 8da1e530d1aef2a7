// Routing, keep-alive, request ids, observer: the happy paths over real loopback sockets.
#include <gtest/gtest.h>

#include "http/testing/test_server.h"

namespace vox::http {
namespace {
using testing::Echo;
using testing::ErrorCodeOf;
using testing::TestServer;

Router MakeRouter() {
  Router r;
  EXPECT_TRUE(r.Add("GET", "/v1/tts/job/{job_id}", Echo()));
  EXPECT_TRUE(r.Add("DELETE", "/v1/tts/job/{job_id}", Echo()));
  EXPECT_TRUE(r.Add("POST", "/echo", Echo()));
  EXPECT_TRUE(
      r.Add("GET", "/text", [](Request&, Responder respond) { respond(Text(200, "hello")); }));
  EXPECT_TRUE(r.Add("GET", "/nocontent", [](Request&, Responder respond) {
    Response res;
    res.status = 204;
    respond(std::move(res));
  }));
  EXPECT_TRUE(r.Add("GET", "/bye", [](Request&, Responder respond) {
    Response res = Text(200, "bye");
    res.headers.Set("Connection", "close");
    respond(std::move(res));
  }));
  return r;
}

TEST(http_server, RoutesWithParamsAndDecodedQuery) {
  TestServer ts(MakeRouter());
  HttpClient client = ts.Client();
  auto r = client.Request("GET", "/v1/tts/job/j%2042?x=a+b&y=%E2%82%AC&flag");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Content-Type"), "application/json");
  auto j = r->JsonBody();
  EXPECT_EQ(j["params"]["job_id"], "j 42");
  EXPECT_EQ(j["query"]["x"], "a b");
  EXPECT_EQ(j["query"]["y"], "\xe2\x82\xac");
  EXPECT_EQ(j["query"]["flag"], "");
  EXPECT_EQ(j["route"], "/v1/tts/job/{job_id}");
  EXPECT_EQ(j["path"], "/v1/tts/job/j%2042");
  EXPECT_TRUE(r->Header("Date").has_value());
}

TEST(http_server, NotFoundAndMethodNotAllowedAreJson) {
  TestServer ts(MakeRouter());
  HttpClient client = ts.Client();
  auto missing = client.Request("GET", "/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ErrorCodeOf(*missing), "not_found");
  EXPECT_EQ(missing->Header("Content-Type"), "application/json");
  auto trailing = client.Request("GET", "/text/");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->status, 404);
  auto wrong = client.Request("PUT", "/v1/tts/job/abc");  // Content-Length: 0
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(ErrorCodeOf(*wrong), "method_not_allowed");
  EXPECT_EQ(wrong->Header("Allow"), "DELETE, GET, HEAD");
  EXPECT_TRUE(wrong->keep_alive);  // errors without unread body keep the connection
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(http_server, KeepAliveServesManyRequestsOnOneConnection) {
  TestServer ts(MakeRouter());
  HttpClient client = ts.Client();
  for (int i = 0; i < 20; ++i) {
    auto r = client.Request("POST", "/echo", "body" + std::to_string(i));
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->JsonBody()["body"], "body" + std::to_string(i));
    EXPECT_TRUE(r->keep_alive);
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(http_server, PipelinedRequestsAnsweredInOrder) {
  TestServer ts(MakeRouter());
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(
      raw.Send("GET /v1/tts/job/one HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /v1/tts/job/two HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = raw.ReadResponse();
  auto second = raw.ReadResponse();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->JsonBody()["params"]["job_id"], "one");
  EXPECT_EQ(second->JsonBody()["params"]["job_id"], "two");
}

TEST(http_server, ConnectionCloseIsHonored) {
  TestServer ts(MakeRouter());
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(raw.Send("GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto r = raw.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->keep_alive);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(2)));
}

TEST(http_server, HandlerCanAskToClose) {
  TestServer ts(MakeRouter());
  HttpClient client = ts.Client();
  auto r = client.Request("GET", "/bye");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->keep_alive);
  ASSERT_TRUE(client.Request("GET", "/text"));
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST(http_server, Http10ClosesUnlessKeepAliveAsked) {
  TestServer ts(MakeRouter());
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(raw.Send("GET /text HTTP/1.0\r\n\r\n"));
  auto r = raw.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->version, 10u);
  EXPECT_EQ(r->body, "hello");
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(2)));

  RawConnection kept = ts.Raw();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(kept.Send("GET /text HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto k = kept.ReadResponse();
    ASSERT_TRUE(k) << k.error().ToString();
    EXPECT_TRUE(k->keep_alive);
    EXPECT_EQ(k->Header("Connection"), "keep-alive");
  }
}

TEST(http_server, RequestIdEchoedOrGenerated) {
  TestServer ts(MakeRouter());
  HttpClient client = ts.Client();
  auto echoed = client.Request("GET", "/text", "", {{"X-Request-Id", "client-id_1.2"}});
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->Header("X-Request-Id"), "client-id_1.2");
  auto generated = client.Request("GET", "/text");
  ASSERT_TRUE(generated);
  ASSERT_TRUE(generated->Header("X-Request-Id"));
  EXPECT_EQ(generated->Header("X-Request-Id")->size(), 32u);
  auto replaced = client.Request("GET", "/text", "", {{"X-Request-Id", "bad id with spaces"}});
  ASSERT_TRUE(replaced);
  EXPECT_NE(replaced->Header("X-Request-Id"), "bad id with spaces");
  EXPECT_EQ(replaced->Header("X-Request-Id")->size(), 32u);
  auto missing = client.Request("GET", "/missing", "", {{"X-Request-Id", "on-errors-too"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->Header("X-Request-Id"), "on-errors-too");
}

TEST(http_server, HeadAndNoContent) {
  TestServer ts(MakeRouter());
  HttpClient client = ts.Client();
  auto head = client.Request("HEAD", "/text");
  ASSERT_TRUE(head) << head.error().ToString();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "5");
  EXPECT_EQ(head->body, "");
  auto none = client.Request("GET", "/nocontent");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 204);
  EXPECT_FALSE(none->Header("Content-Length"));
  auto after = client.Request("GET", "/text");  // the connection is still in sync
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "hello");
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(http_server, ExpectContinue) {
  TestServer ts(MakeRouter());
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(
      raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
               "Expect: 100-continue\r\n\r\n"));
  auto interim = raw.ReadResponse();
  ASSERT_TRUE(interim) << interim.error().ToString();
  EXPECT_EQ(interim->status, 100) << interim->body;
  ASSERT_TRUE(raw.Send("hello"));
  auto r = raw.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->JsonBody()["body"], "hello");
}

TEST(http_server, ObserverSeesRoutePatternStatusAndId) {
  TestServer ts(MakeRouter());
  HttpClient client = ts.Client();
  ASSERT_TRUE(client.Request("GET", "/v1/tts/job/abc", "", {{"X-Request-Id", "obs-1"}}));
  ASSERT_TRUE(client.Request("GET", "/nope"));
  ASSERT_TRUE(client.Request("POST", "/echo", "12345"));
  // The observer runs after the write completes, possibly after the client has the reply.
  ASSERT_TRUE(testing::WaitFor([&] { return ts.logs().size() == 3; }));
  auto logs = ts.logs();
  EXPECT_EQ(logs[0].route, "/v1/tts/job/{job_id}");
  EXPECT_EQ(logs[0].status, 200);
  EXPECT_EQ(logs[0].method, "GET");
  EXPECT_EQ(logs[0].request_id, "obs-1");
  EXPECT_EQ(logs[1].route, "unmatched");
  EXPECT_EQ(logs[1].status, 404);
  EXPECT_EQ(logs[2].bytes_received, 5u);
}

// Metric labels come from the log: a made-up method must not become one (an attacker
// could otherwise grow /metrics without bound with unauthenticated 404s).
TEST(http_server, ObserverSeesOnlyAClosedSetOfMethods) {
  TestServer ts(MakeRouter());
  HttpClient client = ts.Client();
  ASSERT_TRUE(client.Request("XYZZY", "/nope"));
  ASSERT_TRUE(client.Request("get", "/nope"));
  ASSERT_TRUE(client.Request("PATCH", "/nope"));
  ASSERT_TRUE(testing::WaitFor([&] { return ts.logs().size() == 3; }));
  auto logs = ts.logs();
  EXPECT_EQ(logs[0].method, "other");
  EXPECT_EQ(logs[1].method, "other");  // methods are case-sensitive
  EXPECT_EQ(logs[2].method, "PATCH");
  for (const auto& l : logs) EXPECT_EQ(l.route, "unmatched");
}

TEST(http_server, StartFailsOnBadConfigOrBusyPort) {
  HttpServerConfig bad;
  bad.io_threads = 0;
  HttpServer s1(bad, Router());
  auto r1 = s1.Start();
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().field, "io_threads");

  TestServer ts(MakeRouter());
  HttpServerConfig busy;
  busy.listen = "127.0.0.1:" + std::to_string(ts.port());
  HttpServer s2(busy, Router());
  auto r2 = s2.Start();
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace vox::http
