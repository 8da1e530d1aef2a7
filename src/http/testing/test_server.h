// Test fixture: a real HttpServer on 127.0.0.1:0 with short timeouts, recording observer calls.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"
#include "http/testing/test_client.h"

namespace vox::http::testing {

struct LoggedRequest {
  std::string method;
  std::string route;
  int status = 0;
  std::string request_id;
  uint64_t bytes_received = 0;
};

class TestServer {
 public:
  explicit TestServer(Router router, const std::function<void(HttpServerConfig&)>& tweak = {}) {
    HttpServerConfig config;
    config.listen = "127.0.0.1:0";
    config.io_threads = 1;
    config.header_timeout = std::chrono::milliseconds(2000);
    config.body_timeout = std::chrono::milliseconds(2000);
    config.linger_timeout = std::chrono::milliseconds(300);
    if (tweak) tweak(config);
    server_ = std::make_unique<HttpServer>(config, std::move(router), [this](const RequestLog& l) {
      std::lock_guard lock(mu_);
      logs_.push_back({std::string(l.method), std::string(l.route), l.status,
                       std::string(l.request_id), l.bytes_received});
    });
    auto started = server_->Start();
    EXPECT_TRUE(started) << started.error().ToString();
  }

  uint16_t port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  HttpClient Client() const { return HttpClient("127.0.0.1", port()); }
  RawConnection Raw() const {
    auto c = RawConnection::Connect("127.0.0.1", port());
    EXPECT_TRUE(c) << c.error().ToString();
    return std::move(*c);
  }
  std::vector<LoggedRequest> logs() {
    std::lock_guard lock(mu_);
    return logs_;
  }

 private:
  std::mutex mu_;
  std::vector<LoggedRequest> logs_;
  std::unique_ptr<HttpServer> server_;  // last: stopped before the log it writes to goes
};

inline Handler Echo() {
  return [](Request& req, Responder respond) {
    nlohmann::json j = {{"method", req.method},
                        {"path", req.path},
                        {"body", req.body},
                        {"route", req.route},
                        {"version", req.version}};
    for (const auto& [k, v] : req.query) j["query"][k] = v;
    for (const auto& [k, v] : req.path_params) j["params"][k] = v;
    respond(Json(200, j));
  };
}

// Polls `pred` until true or `timeout`; for state the server reaches asynchronously.
inline bool WaitFor(const std::function<bool()>& pred,
                    std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

inline std::string ErrorCodeOf(const ClientResponse& r) {
  auto j = r.JsonBody();
  if (j.is_discarded() || !j.contains("error")) return "<not a JSON error>";
  return j["error"].value("code", "");
}

}  // namespace vox::http::testing
