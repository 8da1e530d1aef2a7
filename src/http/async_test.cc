// Asynchronous handlers, Responder semantics, connection limits and graceful stop.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "http/testing/test_server.h"

namespace vox::http {
namespace {
using std::chrono::milliseconds;
using testing::ErrorCodeOf;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

long ElapsedMs(Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
}

// Stands in for the lead's worker pool: runs jobs on their own threads, joined at the end.
class Workers {
 public:
  ~Workers() {
    for (auto& t : threads_) t.join();
  }
  void Run(std::function<void()> job) {
    std::lock_guard lock(mu_);
    threads_.emplace_back(std::move(job));
  }

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

struct Fixture {
  Workers workers;  // destroyed after the server: late responses hit a stopped server
  std::atomic<int> slow_started{0};

  Router MakeRouter(milliseconds slow_delay) {
    Router r;
    EXPECT_TRUE(
        r.Add("GET", "/fast", [](Request&, Responder respond) { respond(Text(200, "fast")); }));
    EXPECT_TRUE(r.Add("GET", "/slow", [this, slow_delay](Request& req, Responder respond) {
      ++slow_started;
      workers.Run([respond, slow_delay, id = req.request_id] {
        std::this_thread::sleep_for(slow_delay);
        respond(Text(200, "slow " + id));
      });
    }));
    EXPECT_TRUE(r.Add("GET", "/drop", [](Request&, Responder) {}));
    EXPECT_TRUE(r.Add("GET", "/drop-later", [this](Request&, Responder respond) {
      workers.Run([respond = std::move(respond)]() mutable {
        std::this_thread::sleep_for(milliseconds(50));
        Responder gone = std::move(respond);  // dies unused on the worker thread
      });
    }));
    EXPECT_TRUE(r.Add("GET", "/twice", [](Request&, Responder respond) {
      respond(Text(200, "first"));
      respond(Text(201, "second"));
      EXPECT_TRUE(respond.responded());
    }));
    EXPECT_TRUE(
        r.Add("GET", "/throw", [](Request&, Responder) { throw std::runtime_error("boom"); }));
    EXPECT_TRUE(r.Add("GET", "/bad-status", [](Request&, Responder respond) {
      Response res;
      res.status = 42;
      respond(std::move(res));
    }));
    return r;
  }
};

TEST(http_async, SlowHandlerDoesNotBlockTheIoThread) {
  Fixture f;
  TestServer ts(f.MakeRouter(milliseconds(600)), [](HttpServerConfig& c) { c.io_threads = 1; });
  auto slow = std::async(std::launch::async, [&] {
    return ts.Client().Request("GET", "/slow", "", {{"X-Request-Id", "slow-1"}});
  });
  ASSERT_TRUE(testing::WaitFor([&] { return f.slow_started == 1; }));
  auto start = Clock::now();
  HttpClient fast = ts.Client();
  for (int i = 0; i < 10; ++i) {
    auto r = fast.Request("GET", "/fast");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "fast");
  }
  EXPECT_LT(ElapsedMs(start), 400);  // all served while /slow is still pending
  auto s = slow.get();
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->body, "slow slow-1");
  EXPECT_GE(ElapsedMs(start), 300);
}

TEST(http_async, DroppedResponderGives500) {
  Fixture f;
  TestServer ts(f.MakeRouter(milliseconds(0)));
  HttpClient client = ts.Client();
  for (const char* path : {"/drop", "/drop-later", "/throw"}) {
    auto r = client.Request("GET", path);
    ASSERT_TRUE(r) << path << ": " << r.error().ToString();
    EXPECT_EQ(r->status, 500) << path;
    EXPECT_EQ(ErrorCodeOf(*r), "internal") << path;
    EXPECT_TRUE(r->keep_alive) << path;
  }
  auto after = client.Request("GET", "/fast");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(http_async, SecondResponseIsIgnoredAndBadStatusIs500) {
  Fixture f;
  TestServer ts(f.MakeRouter(milliseconds(0)));
  HttpClient client = ts.Client();
  auto r = client.Request("GET", "/twice");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "first");
  auto next = client.Request("GET", "/fast");  // no stray second response on the wire
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "fast");
  auto bad = client.Request("GET", "/bad-status");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 500);
}

TEST(http_async, ConcurrentClientsOnTwoIoThreads) {
  Fixture f;
  TestServer ts(f.MakeRouter(milliseconds(0)), [](HttpServerConfig& c) { c.io_threads = 2; });
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      HttpClient client = ts.Client();
      for (int i = 0; i < 50; ++i) {
        auto r = client.Request("GET", "/fast");
        if (r && r->status == 200 && r->body == "fast") ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok, 400);
  EXPECT_TRUE(testing::WaitFor([&] { return ts.logs().size() == 400; }));
}

TEST(http_async, OverMaxConnectionsGets503) {
  Fixture f;
  TestServer ts(f.MakeRouter(milliseconds(0)), [](HttpServerConfig& c) { c.max_connections = 2; });
  HttpClient a = ts.Client();
  HttpClient b = ts.Client();
  ASSERT_TRUE(a.Request("GET", "/fast"));
  ASSERT_TRUE(b.Request("GET", "/fast"));
  RawConnection third = ts.Raw();
  ASSERT_TRUE(third.Send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = third.ReadResponse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(ErrorCodeOf(*r), "unavailable");
  EXPECT_TRUE(r->Header("Retry-After"));
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(third.WaitForClose(std::chrono::seconds(2)));
  EXPECT_EQ(ts.server().open_connections(), 2u);

  a.Disconnect();  // a slot frees up
  ASSERT_TRUE(testing::WaitFor([&] { return ts.server().open_connections() == 1; }));
  HttpClient c = ts.Client();
  auto served = c.Request("GET", "/fast");
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);
}

TEST(http_async, GracefulStopLetsInFlightRequestFinish) {
  Fixture f;
  TestServer ts(f.MakeRouter(milliseconds(300)));
  HttpClient idle = ts.Client();
  ASSERT_TRUE(idle.Request("GET", "/fast"));  // an idle keep-alive connection
  auto slow = std::async(std::launch::async, [&] { return ts.Client().Request("GET", "/slow"); });
  ASSERT_TRUE(testing::WaitFor([&] { return f.slow_started == 1; }));
  auto start = Clock::now();
  ts.server().Stop(std::chrono::seconds(5));
  long stop_ms = ElapsedMs(start);
  auto r = slow.get();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->keep_alive);  // drained: Connection: close
  EXPECT_GE(stop_ms, 150);      // waited for the in-flight request...
  EXPECT_LT(stop_ms, 3000);     // ...but not for the whole grace period
  EXPECT_FALSE(RawConnection::Connect("127.0.0.1", ts.port(), milliseconds(500)));
  EXPECT_FALSE(idle.Request("GET", "/fast"));  // closed during the drain
}

TEST(http_async, StopAfterGraceClosesStuckRequests) {
  Fixture f;
  TestServer ts(f.MakeRouter(milliseconds(800)));
  auto slow = std::async(std::launch::async, [&] { return ts.Client().Request("GET", "/slow"); });
  ASSERT_TRUE(testing::WaitFor([&] { return f.slow_started == 1; }));
  auto start = Clock::now();
  ts.server().Stop(milliseconds(200));
  EXPECT_LT(ElapsedMs(start), 700);
  EXPECT_FALSE(slow.get());  // connection closed without a response
  // The worker responds after the stop (and after the fixture's server is gone): harmless.
}

TEST(http_async, StopIsIdempotentAndWaitReturns) {
  Fixture f;
  TestServer ts(f.MakeRouter(milliseconds(0)));
  std::thread waiter([&] { ts.server().Wait(); });
  ts.server().Stop(milliseconds(100));
  ts.server().Stop(milliseconds(100));
  waiter.join();
  EXPECT_EQ(ts.server().open_connections(), 0u);
}

}  // namespace
}  // namespace vox::http
