// Slow and idle clients: deadlines are absolute, so trickling bytes cannot hold a connection.
#include <gtest/gtest.h>

#include <thread>

#include "http/testing/test_server.h"

namespace vox::http {
namespace {
using std::chrono::milliseconds;
using testing::Echo;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

Router MakeTimeoutRouter() {
  Router r;
  EXPECT_TRUE(r.Add("POST", "/echo", Echo()));
  EXPECT_TRUE(r.Add("GET", "/echo", Echo()));
  EXPECT_TRUE(r.Add("GET", "/huge", [](Request&, Responder respond) {
    respond(Text(200, std::string(32 << 20, 'x')));  // far more than the socket buffers hold
  }));
  return r;
}

void ShortTimeouts(HttpServerConfig& c) {
  c.header_timeout = milliseconds(300);
  c.body_timeout = milliseconds(300);
  c.keep_alive_idle_timeout = milliseconds(400);
}

long MsSince(Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
}

TEST(http_timeout, PartialHeaderGets408ThenClose) {
  TestServer ts(MakeTimeoutRouter(), ShortTimeouts);
  RawConnection raw = ts.Raw();
  auto start = Clock::now();
  ASSERT_TRUE(raw.Send("GET /echo HTTP/1.1\r\nHost: x\r\n"));  // never finished
  std::string received;
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(3), &received));
  long elapsed = MsSince(start);
  EXPECT_GE(elapsed, 250);
  EXPECT_LT(elapsed, 2000);
  EXPECT_EQ(received.rfind("HTTP/1.1 408", 0), 0u) << received;
  EXPECT_NE(received.find("request_timeout"), std::string::npos);
}

TEST(http_timeout, SlowlorisTricklingBytesIsStillCutOff) {
  TestServer ts(MakeTimeoutRouter(), ShortTimeouts);
  RawConnection raw = ts.Raw();
  auto start = Clock::now();
  ASSERT_TRUE(raw.Send("GET /echo HTTP/1.1\r\n"));
  bool closed = false;
  // One header line every 50 ms: each arrives well within any per-read timeout.
  for (int i = 0; i < 40 && !closed; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    closed = !raw.Send("X-Drip-" + std::to_string(i) + ": 1\r\n");
  }
  if (!closed) closed = raw.WaitForClose(std::chrono::seconds(2));
  EXPECT_TRUE(closed);
  EXPECT_LT(MsSince(start), 1500);  // 40 x 50 ms = 2 s if the deadline were per read
}

TEST(http_timeout, SlowBodyGets408) {
  TestServer ts(MakeTimeoutRouter(), ShortTimeouts);
  RawConnection raw = ts.Raw();
  auto start = Clock::now();
  ASSERT_TRUE(raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  std::string received;
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(3), &received));
  EXPECT_LT(MsSince(start), 2000);
  EXPECT_EQ(received.rfind("HTTP/1.1 408", 0), 0u) << received;
}

TEST(http_timeout, SilentConnectionClosedWithoutResponse) {
  TestServer ts(MakeTimeoutRouter(), ShortTimeouts);
  RawConnection raw = ts.Raw();
  std::string received;
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(3), &received));
  EXPECT_EQ(received, "");
}

TEST(http_timeout, IdleKeepAliveClosedAfterIdleTimeout) {
  TestServer ts(MakeTimeoutRouter(), ShortTimeouts);
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(raw.Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = raw.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->keep_alive);
  auto start = Clock::now();
  std::string received;
  EXPECT_TRUE(raw.WaitForClose(std::chrono::seconds(3), &received));
  long elapsed = MsSince(start);
  EXPECT_GE(elapsed, 300);  // idle timeout 400 ms, not the 300 ms header timeout
  EXPECT_LT(elapsed, 2000);
  EXPECT_EQ(received, "");  // no 408 for an idle connection
  EXPECT_TRUE(testing::WaitFor([&] { return ts.server().open_connections() == 0; }));
}

TEST(http_timeout, ActiveKeepAliveIsNotCutByIdleTimer) {
  TestServer ts(MakeTimeoutRouter(), ShortTimeouts);
  HttpClient client = ts.Client();
  auto start = Clock::now();
  while (MsSince(start) < 1000) {  // longer than every timeout, busy all along
    auto r = client.Request("GET", "/echo");
    ASSERT_TRUE(r) << r.error().ToString();
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(http_timeout, ClientThatStopsReadingIsDroppedAfterWriteTimeout) {
  TestServer ts(MakeTimeoutRouter(), [](HttpServerConfig& c) { c.write_timeout = milliseconds(200); });
  RawConnection raw = ts.Raw();
  ASSERT_TRUE(raw.Send("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n"));  // and never read
  ASSERT_TRUE(testing::WaitFor([&] { return ts.server().open_connections() == 1; }));
  auto start = Clock::now();
  EXPECT_TRUE(testing::WaitFor([&] { return ts.server().open_connections() == 0; },
                               std::chrono::seconds(3)));
  EXPECT_LT(MsSince(start), 2000);
}

}  // namespace
}  // namespace vox::http
