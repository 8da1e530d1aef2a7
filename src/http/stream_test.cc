// Streamed (chunked) response bodies: bytes leave as they are produced, the producer is held
// back by a bounded buffer, and a client that leaves or never reads cancels the producer.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "http/body_stream.h"
#include "http/testing/test_server.h"

namespace vox::http {
namespace {
using std::chrono::milliseconds;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

// A blocking loopback socket with a receive timeout: reads what has arrived so far.
class Socket {
 public:
  explicit Socket(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~Socket() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void SetReceiveBuffer(int bytes) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
  }
  void Send(std::string_view s) {
    ASSERT_EQ(::send(fd_, s.data(), s.size(), 0), ssize_t(s.size()));
  }
  // Reads until `needle` has arrived or `timeout` passes.
  bool ReadUntil(std::string_view needle, milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (received.find(needle) == std::string::npos && Clock::now() < deadline) {
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) received.append(buf, static_cast<size_t>(n));
      if (n == 0) break;
    }
    return received.find(needle) != std::string::npos;
  }
  std::string received;

 private:
  int fd_ = -1;
};

constexpr std::string_view kPost = "POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";

struct Producer {
  std::promise<std::shared_ptr<BodyStream>> started;
  std::thread thread;
  ~Producer() {
    if (thread.joinable()) thread.join();
  }
};

Router StreamRouter(Producer& p, std::function<void(BodyStream&)> produce,
                    size_t max_buffered = 64 * 1024) {
  Router r;
  EXPECT_TRUE(r.Add("POST", "/stream", [&p, produce, max_buffered](Request&, Responder respond) {
    auto stream = std::make_shared<BodyStream>(max_buffered, std::chrono::seconds(20));
    Response res;
    res.headers.Set("Content-Type", "audio/x-test");
    res.stream = stream;
    respond(std::move(res));
    p.thread = std::thread([stream, produce] { produce(*stream); });
    p.started.set_value(stream);
  }));
  EXPECT_TRUE(
      r.Add("GET", "/after", [](Request&, Responder respond) { respond(Text(200, "after")); }));
  return r;
}

TEST(http_stream, ChunksLeaveAsTheyAreProduced) {
  Producer p;
  std::promise<void> go;
  auto gate = go.get_future().share();
  TestServer ts(StreamRouter(p, [gate](BodyStream& s) {
    EXPECT_TRUE(s.Write("first"));
    gate.wait();  // the second chunk waits for the test to have seen the first
    EXPECT_TRUE(s.Write("second"));
    s.Finish();
  }));
  Socket sock(ts.port());
  sock.Send(kPost);
  ASSERT_TRUE(sock.ReadUntil("first", milliseconds(3000))) << sock.received;
  EXPECT_NE(sock.received.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_EQ(sock.received.find("Content-Length"), std::string::npos);
  EXPECT_EQ(sock.received.find("second"), std::string::npos);
  go.set_value();
  ASSERT_TRUE(sock.ReadUntil("0\r\n\r\n", milliseconds(3000))) << sock.received;
  EXPECT_NE(sock.received.find("5\r\nfirst\r\n6\r\nsecond\r\n0\r\n\r\n"), std::string::npos)
      << sock.received;
  // The connection stays usable.
  sock.Send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(sock.ReadUntil("after", milliseconds(3000))) << sock.received;
}

TEST(http_stream, TestClientReadsTheWholeBody) {
  Producer p;
  TestServer ts(StreamRouter(p, [](BodyStream& s) {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(s.Write(std::string(1000, char('a' + i % 26))));
    s.Finish();
  }));
  auto client = ts.Client();
  auto r = client.Request("POST", "/stream");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), 100'000u);
  EXPECT_EQ(r->body.substr(1000, 3), "bbb");
  EXPECT_EQ(r->Header("Content-Type"), "audio/x-test");
}

TEST(http_stream, ClientThatLeavesCancelsTheProducerAtOnce) {
  Producer p;
  std::atomic<long> canceled_after_ms{-1};
  std::atomic<bool> later_write{true};
  TestServer ts(StreamRouter(p, [&](BodyStream& s) {
    EXPECT_TRUE(s.Write("hello"));
    auto t0 = Clock::now();
    // Working on the next piece (no write pending on the socket): the disconnect must still
    // be noticed, through the read the connection keeps on the socket.
    while (!s.canceled() && Clock::now() - t0 < std::chrono::seconds(10)) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    canceled_after_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
    later_write = s.Write("more");
  }));
  {
    Socket sock(ts.port());
    sock.Send(kPost);
    ASSERT_TRUE(sock.ReadUntil("hello", milliseconds(3000)));
  }  // closed here
  auto stream = p.started.get_future().get();
  p.thread.join();
  EXPECT_GE(canceled_after_ms.load(), 0);
  EXPECT_LT(canceled_after_ms.load(), 2000);
  EXPECT_FALSE(later_write.load());
  EXPECT_TRUE(stream->canceled());
}

TEST(http_stream, ReaderThatNeverReadsIsBoundedThenClosed) {
  Producer p;
  std::atomic<size_t> accepted{0};
  std::atomic<long> gave_up_after_ms{-1};
  TestServer ts(StreamRouter(
                    p,
                    [&](BodyStream& s) {
                      auto t0 = Clock::now();
                      std::string piece(16 * 1024, 'x');
                      while (s.Write(piece)) accepted += piece.size();
                      gave_up_after_ms =
                          std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
                    },
                    /*max_buffered=*/64 * 1024),
                [](HttpServerConfig& c) { c.write_timeout = milliseconds(500); });
  Socket sock(ts.port());
  sock.SetReceiveBuffer(4096);
  sock.Send(kPost);  // and never read
  p.started.get_future().get();
  p.thread.join();
  // The producer was held back (the kernel's socket buffers plus 64 KiB), then released
  // by the write timeout.
  EXPECT_LT(accepted.load(), 16u << 20);
  EXPECT_GE(gave_up_after_ms.load(), 400);
  EXPECT_LT(gave_up_after_ms.load(), 10'000);
}

TEST(http_stream, AbortTruncatesTheBody) {
  Producer p;
  TestServer ts(StreamRouter(p, [](BodyStream& s) {
    EXPECT_TRUE(s.Write("partial"));
    s.Abort();
  }));
  Socket sock(ts.port());
  sock.Send(kPost);
  ASSERT_TRUE(sock.ReadUntil("partial", milliseconds(3000)));
  // Closed without the terminating chunk.
  sock.ReadUntil("0\r\n\r\n", milliseconds(1000));
  EXPECT_EQ(sock.received.find("0\r\n\r\n"), std::string::npos) << sock.received;
}

TEST(http_stream, Http10GetsTheBodyUntilClose) {
  Producer p;
  TestServer ts(StreamRouter(p, [](BodyStream& s) {
    EXPECT_TRUE(s.Write("one"));
    EXPECT_TRUE(s.Write("two"));
    s.Finish();
  }));
  Socket sock(ts.port());
  sock.Send("POST /stream HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(sock.ReadUntil("onetwo", milliseconds(3000))) << sock.received;
  EXPECT_EQ(sock.received.find("chunked"), std::string::npos);
}

}  // namespace
}  // namespace vox::http
