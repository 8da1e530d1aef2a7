// Response::upgrade: the socket and the bytes already read go to the new protocol's owner,
// the server keeps counting the connection until the lease ends, and Stop() reaches it.
#include "http/upgrade.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <thread>

#include "http/testing/test_server.h"

namespace vox::http {
namespace {
using std::chrono::milliseconds;
using testing::TestServer;
using testing::WaitFor;
namespace asio = boost::asio;

// A line-echo "protocol": answers 101 itself, then echoes what it reads (bytes the core had
// already read first) until the peer closes or the server's stop reaches it.
class EchoSession : public std::enable_shared_from_this<EchoSession> {
 public:
  struct Seen {
    std::atomic<int> stops{0};
    std::atomic<bool> forced{false};
    std::atomic<bool> ended{false};
  };
  EchoSession(Upgraded&& u, std::shared_ptr<Seen> seen, bool obey_drain)
      : stream_(std::move(u.stream)),
        pending_(std::move(u.buffered)),
        lease_(std::move(u.lease)),
        seen_(std::move(seen)),
        obey_drain_(obey_drain) {}
  ~EchoSession() { seen_->ended = true; }

  void Start() {
    lease_->OnStop([weak = weak_from_this()](bool force) {
      auto self = weak.lock();
      if (!self) return;
      ++self->seen_->stops;
      if (force) self->seen_->forced = true;
      if (force || self->obey_drain_) {
        boost::system::error_code ec;
        self->stream_.close(ec);
      }
    });
    Write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n" +
          std::exchange(pending_, {}));
  }

 private:
  void Write(std::string bytes) {
    auto data = std::make_shared<std::string>(std::move(bytes));
    asio::async_write(stream_, asio::buffer(*data),
                      [self = shared_from_this(), data](boost::system::error_code ec, size_t) {
                        if (!ec) self->Read();
                      });
  }
  void Read() {
    stream_.async_read_some(asio::buffer(buf_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              if (ec) return;  // the session (and its lease) ends
                              self->Write(std::string(self->buf_, n));
                            });
  }

  Transport stream_;
  std::string pending_;
  std::unique_ptr<UpgradeLease> lease_;
  std::shared_ptr<Seen> seen_;
  bool obey_drain_;
  char buf_[1024];
};

Router EchoRouter(std::shared_ptr<EchoSession::Seen> seen, bool obey_drain) {
  Router router;
  EXPECT_TRUE(router.Add("GET", "/echo", [seen, obey_drain](Request& req, Responder respond) {
    if (!req.Header("Upgrade")) return respond(JsonError(426, "upgrade_required", "upgrade"));
    Response r;
    r.upgrade = [seen, obey_drain](Upgraded&& u) {
      std::make_shared<EchoSession>(std::move(u), seen, obey_drain)->Start();
    };
    respond(std::move(r));
  }));
  EXPECT_TRUE(router.Add("GET", "/plain", testing::Echo()));
  return router;
}

constexpr std::string_view kUpgradeRequest =
    "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n";

TEST(UpgradeTest, SocketAndBytesAlreadyReadGoToTheNewOwner) {
  auto seen = std::make_shared<EchoSession::Seen>();
  TestServer server(EchoRouter(seen, true));
  auto raw = server.Raw();
  // Bytes right behind the request arrive with it: the core has read them already.
  ASSERT_TRUE(raw.Send(std::string(kUpgradeRequest) + "early bytes|"));
  auto head = raw.ReadResponse();
  ASSERT_TRUE(head) << head.error().ToString();
  EXPECT_EQ(head->status, 101);
  ASSERT_TRUE(raw.Send("later"));
  std::string echoed;
  EXPECT_FALSE(raw.WaitForClose(milliseconds(300), &echoed));
  EXPECT_EQ(echoed, "early bytes|later");
  EXPECT_EQ(server.server().open_connections(), 1u) << "the upgraded session still counts";
  raw = server.Raw();  // the first connection closes: its lease ends
  EXPECT_TRUE(WaitFor([&] { return seen->ended.load(); }));
  EXPECT_TRUE(WaitFor([&] { return server.server().open_connections() == 1; }));
  auto logs = server.logs();
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs[0].status, 101);
  EXPECT_EQ(logs[0].route, "/echo");
}

TEST(UpgradeTest, ARefusedUpgradeIsAnOrdinaryResponse) {
  auto seen = std::make_shared<EchoSession::Seen>();
  TestServer server(EchoRouter(seen, true));
  auto response = server.Client().Request("GET", "/echo");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 426);
  EXPECT_EQ(server.Client().Request("GET", "/plain")->status, 200);
}

// A connection upgraded to the echo protocol.
RawConnection Upgrade(TestServer& server) {
  auto raw = server.Raw();
  EXPECT_TRUE(raw.Send(kUpgradeRequest));
  auto head = raw.ReadResponse();
  EXPECT_TRUE(head && head->status == 101);
  return raw;
}

TEST(UpgradeTest, GracefulStopAsksTheSessionToFinishAndWaitsForIt) {
  auto seen = std::make_shared<EchoSession::Seen>();
  TestServer server(EchoRouter(seen, true));
  auto raw = Upgrade(server);
  const auto start = std::chrono::steady_clock::now();
  server.server().Stop(std::chrono::seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(seen->stops.load(), 1);
  EXPECT_FALSE(seen->forced.load());
  EXPECT_TRUE(seen->ended.load());
  EXPECT_TRUE(raw.WaitForClose(milliseconds(500)));
}

TEST(UpgradeTest, ASessionThatIgnoresTheDrainIsClosedAtTheDeadline) {
  auto seen = std::make_shared<EchoSession::Seen>();
  TestServer server(EchoRouter(seen, false));
  auto raw = Upgrade(server);
  const auto start = std::chrono::steady_clock::now();
  server.server().Stop(milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, milliseconds(290)) << "Stop() did not wait for the session";
  EXPECT_LT(took, milliseconds(1500));
  EXPECT_EQ(seen->stops.load(), 2);
  EXPECT_TRUE(seen->forced.load());
  EXPECT_TRUE(raw.WaitForClose(milliseconds(500)));
}

}  // namespace
}  // namespace vox::http
