// Route gates (checks before the body is read) and the server's budget of body bytes in flight.
#include <gtest/gtest.h>

#include <thread>

#include "http/testing/test_server.h"

namespace vox::http {
namespace {
using testing::Echo;
using testing::ErrorCodeOf;
using testing::TestServer;

// Lets a request through only with "X-Key: ok"; decides on another thread, as a real gate
// that looks a key up in a database does.
Gate KeyGate() {
  return [](const Request& request, GateDecision decide) {
    const bool ok = request.Header("X-Key") == std::optional<std::string_view>("ok");
    std::thread([ok, decide] {
      decide(ok ? std::nullopt
                : std::optional<Response>(JsonError(401, "unauthenticated", "no key", "X-Key")));
    }).detach();
  };
}

Router GatedRouter() {
  Router r;
  EXPECT_TRUE(r.Add("POST", "/upload", Echo(), {.max_body_bytes = 64u << 20, .gate = KeyGate()}));
  EXPECT_TRUE(r.Add("POST", "/forgetful", Echo(),
                    {.gate = [](const Request&, GateDecision) { /* drops the decision */ }}));
  EXPECT_TRUE(r.Add("POST", "/echo", Echo(), {.max_body_bytes = 1000}));
  return r;
}

std::string PostHead(std::string_view path, size_t length, std::string_view key = "") {
  std::string head = "POST " + std::string(path) +
                     " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(length) + "\r\n";
  if (!key.empty()) head += "X-Key: " + std::string(key) + "\r\n";
  return head + "\r\n";
}

TEST(http_gate, RefusesBeforeReadingTheBodyAndCloses) {
  TestServer ts(GatedRouter());
  RawConnection raw = ts.Raw();
  // Announce 50 MB and send none of it: the refusal must come anyway.
  ASSERT_TRUE(raw.Send(PostHead("/upload", 50u << 20, "wrong")));
  auto reply = raw.ReadResponse();
  ASSERT_TRUE(reply) << reply.error().ToString();
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(ErrorCodeOf(*reply), "unauthenticated");
  EXPECT_EQ(reply->Header("Connection"), "close");
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(5)));
  ASSERT_TRUE(testing::WaitFor([&] { return ts.logs().size() == 1; }));
  EXPECT_EQ(ts.logs()[0].bytes_received, 0u);
}

TEST(http_gate, LetsAcceptedRequestsThroughToTheHandler) {
  TestServer ts(GatedRouter());
  HttpClient client = ts.Client();
  auto r = client.Request("POST", "/upload", "payload", {{"X-Key", "ok"}});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->JsonBody()["body"], "payload");
  // Keep-alive survives an accepted gate.
  auto again = client.Request("POST", "/upload", "second", {{"X-Key", "ok"}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->JsonBody()["body"], "second");
}

TEST(http_gate, ADroppedDecisionIsA500) {
  TestServer ts(GatedRouter());
  auto r = ts.Client().Request("POST", "/forgetful", "x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(ErrorCodeOf(*r), "internal");
}

TEST(http_gate, BodyBytesInFlightAreBudgeted) {
  TestServer ts(GatedRouter(), [](HttpServerConfig& c) {
    c.max_body_bytes = 1000;
    c.max_body_bytes_in_flight = 1000;
  });
  // A holds 800 of the 1000 bytes while its body trickles in.
  RawConnection a = ts.Raw();
  ASSERT_TRUE(a.Send(PostHead("/echo", 800) + std::string(100, 'a')));
  ASSERT_TRUE(testing::WaitFor([&] { return ts.server().body_bytes_in_flight() == 800; }));
  // B would pass the budget: 503 with Retry-After, body unread.
  RawConnection b = ts.Raw();
  ASSERT_TRUE(b.Send(PostHead("/echo", 800)));
  auto busy = b.ReadResponse();
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->Header("Retry-After"), "1");
  // A finishes; its bytes come back, and B's retry goes through.
  ASSERT_TRUE(a.Send(std::string(700, 'a')));
  auto done = a.ReadResponse();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  auto retry = ts.Client().Request("POST", "/echo", std::string(800, 'b'));
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200);
  EXPECT_TRUE(testing::WaitFor([&] { return ts.server().body_bytes_in_flight() == 0; }));
}

}  // namespace
}  // namespace vox::http
