// Test-only: a loopback HTTP/1.1 server that answers from a script and records
// what it received, to provoke what a real S3 server will not do on demand
// (503 SlowDown, a torn body, a hang) and to see exactly what went on the wire.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace vox::blob::testing {

struct RecordedRequest {
  std::string method;
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool hang = false;  // read the request, then never answer
};

class ScriptedHttpServer {
 public:
  // Answers the n-th request with script[n]; once the script runs out, 500.
  explicit ScriptedHttpServer(std::vector<ScriptedResponse> script);
  ~ScriptedHttpServer();
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  int port() const { return port_; }
  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<RecordedRequest> requests() const;

  // A loopback port on which nothing listens (bound, then closed).
  static int UnusedPort();

 private:
  void Serve();
  void Handle(int fd);

  std::vector<ScriptedResponse> script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;  // guarded by mu_
  std::vector<int> held_fds_;              // hung connections, closed at the end
  std::thread thread_;
};

}  // namespace vox::blob::testing
