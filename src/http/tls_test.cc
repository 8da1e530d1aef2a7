// TLS on the HTTP core, with certificates made at test time: versions (1.2 and 1.3 accepted,
// 1.1 refused), start-up refusals, a reload that switches the certificate for new handshakes
// while open connections keep working, a failed reload that keeps the old one, Connection:
// close with close_notify, and an upgrade (the WebSocket hand-over) over TLS.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>

#include "http/testing/test_server.h"
#include "http/testing/tls_testing.h"

namespace vox::http {
namespace {
namespace asio = boost::asio;
using testing::TestCertificate;
using testing::TlsTestClient;

constexpr std::string_view kGet = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vox_tls_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    auto a = testing::WriteTestCertificate(dir_.string(), "a");
    auto b = testing::WriteTestCertificate(dir_.string(), "b");
    ASSERT_TRUE(a && b);
    a_ = *a;
    b_ = *b;
    // The server reads these two paths; tests copy a's or b's files over them.
    cert_ = (dir_ / "server.crt").string();
    key_ = (dir_ / "server.key").string();
    Install(a_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Install(const TestCertificate& c) {
    std::filesystem::copy_file(c.cert_file, cert_,
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(c.key_file, key_, std::filesystem::copy_options::overwrite_existing);
  }

  static Router HelloRouter() {
    Router router;
    EXPECT_TRUE(router.Add("GET", "/hello", [](Request&, Responder respond) {
      respond(Text(200, "hello over tls"));
    }));
    return router;
  }

  std::unique_ptr<testing::TestServer> Serve(Router router = HelloRouter()) {
    return std::make_unique<testing::TestServer>(std::move(router), [&](HttpServerConfig& c) {
      c.tls_cert_file = cert_;
      c.tls_key_file = key_;
    });
  }

  std::filesystem::path dir_;
  TestCertificate a_, b_;
  std::string cert_, key_;
};

TEST_F(TlsTest, ServesTls12AndTls13) {
  auto server = Serve();
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    auto client =
        TlsTestClient::Connect(server->port(), {.min_version = version, .max_version = version});
    ASSERT_TRUE(client) << client.error().ToString();
    EXPECT_EQ((*client)->version(), version == TLS1_2_VERSION ? "TLSv1.2" : "TLSv1.3");
    EXPECT_EQ((*client)->peer_sha256(), a_.sha256);
    ASSERT_TRUE((*client)->Write(kGet));
    auto reply = (*client)->ReadUntil("hello over tls");
    ASSERT_TRUE(reply) << reply.error().ToString();
    EXPECT_TRUE(reply->starts_with("HTTP/1.1 200 OK\r\n")) << *reply;
  }
}

TEST_F(TlsTest, RefusesTls11AndPlainHttp) {
  auto server = Serve();
  auto old = TlsTestClient::Connect(server->port(),
                                    {.min_version = TLS1_1_VERSION, .max_version = TLS1_1_VERSION});
  ASSERT_FALSE(old) << "TLS 1.1 was accepted";
  // Plain HTTP on the TLS port gets no HTTP answer: the handshake fails and the server closes.
  auto raw = RawConnection::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Send(kGet));
  std::string received;
  EXPECT_TRUE(raw->WaitForClose(std::chrono::seconds(3), &received));
  EXPECT_EQ(received.find("HTTP/1.1 200"), std::string::npos);
  // The server is unharmed.
  auto ok = TlsTestClient::Connect(server->port());
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_TRUE(testing::WaitFor([&] { return server->server().open_connections() == 1u; }));
}

TEST_F(TlsTest, StartFailsClearly) {
  auto start = [&](const std::string& cert, const std::string& key) {
    HttpServerConfig config;
    config.listen = "127.0.0.1:0";
    config.tls_cert_file = cert;
    config.tls_key_file = key;
    HttpServer server(config, HelloRouter());
    return server.Start();
  };
  auto only_cert = start(cert_, "");
  ASSERT_FALSE(only_cert);
  EXPECT_EQ(only_cert.error().field, "tls_key_file");
  auto only_key = start("", key_);
  ASSERT_FALSE(only_key);
  EXPECT_EQ(only_key.error().field, "tls_cert_file");
  auto missing = start((dir_ / "nope.crt").string(), key_);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot read TLS certificate"), std::string::npos)
      << missing.error().message;
  auto mismatched = start(a_.cert_file, b_.key_file);
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().field, "tls_key_file");
  EXPECT_NE(mismatched.error().message.find("match"), std::string::npos)
      << mismatched.error().message;
  std::ofstream(dir_ / "junk.crt") << "not a certificate\n";
  auto junk = start((dir_ / "junk.crt").string(), key_);
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().field, "tls_cert_file");
  EXPECT_TRUE(start(cert_, key_));
}

TEST_F(TlsTest, ReloadSwitchesNewHandshakesAndKeepsOpenConnections) {
  auto server = Serve();
  auto before = TlsTestClient::Connect(server->port());
  ASSERT_TRUE(before);
  EXPECT_EQ((*before)->peer_sha256(), a_.sha256);

  Install(b_);
  ASSERT_TRUE(server->server().ReloadTls());
  auto after = TlsTestClient::Connect(server->port());
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)->peer_sha256(), b_.sha256);
  // The connection opened before the reload still serves requests.
  ASSERT_TRUE((*before)->Write(kGet));
  EXPECT_TRUE((*before)->ReadUntil("hello over tls"));

  // A bad certificate: the reload fails and b stays.
  std::ofstream(cert_, std::ios::trunc) << "-----BEGIN CERTIFICATE-----\ngarbage\n";
  auto failed = server->server().ReloadTls();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().field, "tls_cert_file");
  auto still = TlsTestClient::Connect(server->port());
  ASSERT_TRUE(still);
  EXPECT_EQ((*still)->peer_sha256(), b_.sha256);
  // A key that does not match: b stays too.
  Install(a_);
  std::filesystem::copy_file(b_.key_file, key_, std::filesystem::copy_options::overwrite_existing);
  EXPECT_FALSE(server->server().ReloadTls());
  auto again = TlsTestClient::Connect(server->port());
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->peer_sha256(), b_.sha256);
}

TEST_F(TlsTest, ConnectionCloseEndsWithCloseNotify) {
  auto server = Serve();
  auto client = TlsTestClient::Connect(server->port());
  ASSERT_TRUE(client);
  ASSERT_TRUE((*client)->Write("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  auto reply = (*client)->ReadUntil("hello over tls");
  ASSERT_TRUE(reply);
  EXPECT_NE(reply->find("Connection: close"), std::string::npos);
  EXPECT_TRUE((*client)->WaitForClose());
  EXPECT_TRUE((*client)->closed_cleanly()) << "no close_notify before the TCP close";
  EXPECT_TRUE(testing::WaitFor([&] { return server->server().open_connections() == 0; }));
}

TEST_F(TlsTest, UpgradeHandsOverTheTlsStream) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/echo", [](Request&, Responder respond) {
    Response r;
    r.upgrade = [](Upgraded&& u) {
      // One exchange: answer 101, then echo the first bytes the client sends, over TLS.
      struct Session {
        Transport stream;
        std::unique_ptr<UpgradeLease> lease;
        std::string out;
        char buf[256];
      };
      ASSERT_NE(u.stream.tls(), nullptr);
      auto s = std::make_shared<Session>(Session{std::move(u.stream), std::move(u.lease), {}, {}});
      s->out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n";
      asio::async_write(s->stream, asio::buffer(s->out), [s](boost::system::error_code ec, size_t) {
        if (ec) return;
        s->stream.async_read_some(asio::buffer(s->buf),
                                  [s](boost::system::error_code ec, size_t n) {
                                    if (ec) return;
                                    s->out = "echo:" + std::string(s->buf, n);
                                    asio::async_write(s->stream, asio::buffer(s->out),
                                                      [s](boost::system::error_code, size_t) {});
                                  });
      });
    };
    respond(std::move(r));
  }));
  auto server = Serve(std::move(router));
  auto client = TlsTestClient::Connect(server->port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(
      (*client)->Write("GET /echo HTTP/1.1\r\nHost: t\r\nUpgrade: echo\r\n"
                       "Connection: Upgrade\r\n\r\n"));
  ASSERT_TRUE((*client)->ReadUntil("\r\n\r\n"));
  ASSERT_TRUE((*client)->Write("ping"));
  auto echoed = (*client)->ReadUntil("echo:ping");
  ASSERT_TRUE(echoed) << echoed.error().ToString();
  EXPECT_TRUE(echoed->starts_with("HTTP/1.1 101")) << *echoed;
}

}  // namespace
}  // namespace vox::http
