// Route gates (checks before the body is read) and the server's budget of body bytes in flight.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
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

// Large uploads go to an unlinked temporary file: the handler sees the whole
// body, the process holds only the route's in-memory part of it against the
// budget, and nothing is left in the spool directory at any time.
TEST(http_spool, LargeBodiesAreReadToDiskAndCountOnlyTheirMemoryPart) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("vox-spool-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  struct Seen {
    std::mutex mu;
    std::vector<std::pair<bool, std::string>> bodies;  // spooled?, content
  };
  auto seen = std::make_shared<Seen>();
  Router r;
  ASSERT_TRUE(r.Add("POST", "/upload",
                    [seen](Request& req, Responder respond) {
                      std::lock_guard lock(seen->mu);
                      seen->bodies.emplace_back(req.spooled_body.has_value(),
                                                std::string(req.Body()));
                      respond(Json(200, {{"bytes", req.Body().size()}}));
                    },
                    {.max_body_bytes = 8u << 20, .spool_above_bytes = 1000}));
  TestServer ts(std::move(r), [&](HttpServerConfig& c) {
    c.max_body_bytes = 2000;
    c.max_body_bytes_in_flight = 2500;
    c.spool_dir = dir.string();
  });

  // Two 3 MB uploads in flight at once fit a 2,500-byte budget: 1,000 each.
  std::string big(3u << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + i / 4096);
  RawConnection a = ts.Raw(), b = ts.Raw();
  ASSERT_TRUE(a.Send(PostHead("/upload", big.size()) + big.substr(0, 100'000)));
  ASSERT_TRUE(b.Send(PostHead("/upload", big.size()) + big.substr(0, 100'000)));
  ASSERT_TRUE(testing::WaitFor([&] { return ts.server().body_bytes_in_flight() == 2000; }));
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "spool files are unlinked at once";
  ASSERT_TRUE(a.Send(big.substr(100'000)));
  ASSERT_TRUE(b.Send(big.substr(100'000)));
  for (RawConnection* c : {&a, &b}) {
    auto reply = c->ReadResponse();
    ASSERT_TRUE(reply) << reply.error().ToString();
    EXPECT_EQ(reply->status, 200) << reply->body;
  }
  // A small body of the same route stays in memory.
  auto small = ts.Client().Request("POST", "/upload", std::string(999, 'x'));
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
  {
    std::lock_guard lock(seen->mu);
    ASSERT_EQ(seen->bodies.size(), 3u);
    for (int i = 0; i < 2; ++i) {
      EXPECT_TRUE(seen->bodies[i].first);
      EXPECT_TRUE(seen->bodies[i].second == big) << "the spooled body reads back byte for byte";
    }
    EXPECT_FALSE(seen->bodies[2].first);
    EXPECT_EQ(seen->bodies[2].second, std::string(999, 'x'));
  }
  EXPECT_TRUE(testing::WaitFor([&] { return ts.server().body_bytes_in_flight() == 0; }));
  EXPECT_TRUE(std::filesystem::is_empty(dir));

  // A spool directory that cannot be written: a clear 503, the server keeps serving.
  TestServer broken(
      [&] {
        Router r2;
        EXPECT_TRUE(r2.Add("POST", "/upload", Echo(),
                           {.max_body_bytes = 1u << 20, .spool_above_bytes = 10}));
        return r2;
      }(),
      [](HttpServerConfig& c) { c.spool_dir = "/nonexistent/spool"; });
  auto refused = broken.Client().Request("POST", "/upload", std::string(5000, 'y'));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  auto fine = broken.Client().Request("POST", "/upload", std::string(5, 'y'));
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vox::http
