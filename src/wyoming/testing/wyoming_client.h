// A blocking Wyoming client on a plain POSIX socket, for tests only: it sends
// events (or raw bytes) and reads events back with a deadline, parsing the
// wire format independently of the server's own reader.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "wyoming/event.h"

namespace vox::wyoming::testing {

// The port `vox serve --wyoming-listen …` announced in `server_output` ("vox: wyoming
// listening on tcp://HOST:PORT"); 0 when it announced none.
uint16_t AnnouncedPort(const std::string& server_output);

class WyomingClient {
 public:
  explicit WyomingClient(uint16_t port, const std::string& host = "127.0.0.1");
  ~WyomingClient();
  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool SendRaw(const std::string& bytes);
  bool Send(const std::string& type, const nlohmann::json& data = nlohmann::json::object());
  // The next event, or nullopt on EOF, error or timeout.
  std::optional<Event> Read(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // True when the server closed the connection (EOF or reset) within `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout);
  void Close();

 private:
  enum class Received { kData, kClosed, kTimeout };
  // One recv() into buf_ once the socket is readable before `deadline`.
  Received Receive(std::chrono::steady_clock::time_point deadline);
  bool Fill(size_t need, std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buf_;
};

}  // namespace vox::wyoming::testing
