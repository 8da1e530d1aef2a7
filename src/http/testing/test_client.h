// A small synchronous HTTP/1.1 client for tests (library vox_http_test_client; never linked by
// production code). Every call has a timeout, so a misbehaving server fails a test instead of
// hanging it.
//
//   HttpClient client("127.0.0.1", server.port());
//   auto r = client.Request("GET", "/v1/voices");          // keep-alive reuse across calls
//   ASSERT_TRUE(r) << r.error().ToString();
//   EXPECT_EQ(r->status, 200);
//
//   auto raw = RawConnection::Connect("127.0.0.1", port);  // arbitrary bytes on the wire
//   raw->Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
//   auto reply = raw->ReadResponse();
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "http/headers.h"

namespace vox::http {

struct ClientResponse {
  int status = 0;
  unsigned version = 11;
  Headers headers;
  std::string body;
  bool keep_alive = false;  // the server will keep the connection open

  std::optional<std::string_view> Header(std::string_view name) const { return headers.Get(name); }
  // The body parsed as JSON; a discarded value (is_discarded()) when it is not JSON.
  nlohmann::json JsonBody() const;
};

class RawConnection {
 public:
  static Result<RawConnection> Connect(const std::string& host, uint16_t port,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
  RawConnection(RawConnection&&) noexcept;
  RawConnection& operator=(RawConnection&&) noexcept;
  ~RawConnection();

  // Timeout of every later call.
  void set_timeout(std::chrono::milliseconds timeout);
  Status Send(std::string_view bytes);
  // Reads one response (1xx included: call again for the final one). `head`: the response to
  // a HEAD request, whose Content-Length announces no body bytes.
  Result<ClientResponse> ReadResponse(bool head = false);
  // Reads until the server closes the connection (true) or `timeout` passes (false). What
  // arrives meanwhile is appended to `received` when given.
  bool WaitForClose(std::chrono::milliseconds timeout, std::string* received = nullptr);

 private:
  struct Impl;
  explicit RawConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class HttpClient {
 public:
  using HeaderList = std::vector<std::pair<std::string, std::string>>;

  HttpClient(std::string host, uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::seconds(5));
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  // Sends one HTTP/1.1 request (Host and Content-Length added) on the kept-alive connection,
  // opening one when needed; interim 1xx responses are skipped. A reused connection the server
  // closed while idle is reopened once, transparently.
  Result<ClientResponse> Request(std::string_view method, std::string_view target,
                                 std::string_view body = {}, const HeaderList& headers = {});

  // TCP connections opened so far: keep-alive tests count them.
  int connections_opened() const { return connections_opened_; }
  void Disconnect() { connection_.reset(); }

 private:
  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<RawConnection> connection_;
  int connections_opened_ = 0;
};

}  // namespace vox::http
