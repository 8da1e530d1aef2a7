#include "wyoming/testing/wyoming_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

namespace vox::wyoming::testing {

uint16_t AnnouncedPort(const std::string& server_output) {
  static const std::regex kLine(R"(vox: wyoming listening on tcp://[^:]+:(\d+))");
  std::smatch m;
  return std::regex_search(server_output, m, kLine) ? static_cast<uint16_t>(std::stoi(m[1])) : 0;
}

WyomingClient::WyomingClient(uint16_t port, const std::string& host) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Close();
}

WyomingClient::~WyomingClient() { Close(); }

void WyomingClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool WyomingClient::SendRaw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool WyomingClient::Send(const std::string& type, const nlohmann::json& data) {
  return SendRaw(Serialize({type, data, {}}));
}

WyomingClient::Received WyomingClient::Receive(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return Received::kTimeout;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return Received::kTimeout;
  char chunk[65536];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return Received::kClosed;
  buf_.append(chunk, static_cast<size_t>(n));
  return Received::kData;
}

bool WyomingClient::Fill(size_t need, std::chrono::steady_clock::time_point deadline) {
  while (buf_.size() < need) {
    if (Receive(deadline) != Received::kData) return false;
  }
  return true;
}

std::optional<Event> WyomingClient::Read(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t newline;
  while ((newline = buf_.find('\n')) == std::string::npos) {
    if (!Fill(buf_.size() + 1, deadline)) return std::nullopt;
  }
  auto header = nlohmann::json::parse(buf_.substr(0, newline), nullptr, false);
  if (header.is_discarded() || !header.is_object()) return std::nullopt;
  size_t data_length = header.value("data_length", size_t{0});
  size_t payload_length = header.value("payload_length", size_t{0});
  if (!Fill(newline + 1 + data_length + payload_length, deadline)) return std::nullopt;
  Event event;
  event.type = header.value("type", "");
  if (header.contains("data") && header["data"].is_object()) event.data = header["data"];
  if (data_length > 0) {
    auto extra = nlohmann::json::parse(buf_.substr(newline + 1, data_length), nullptr, false);
    if (extra.is_discarded()) return std::nullopt;
    event.data.update(extra);
  }
  event.payload = buf_.substr(newline + 1 + data_length, payload_length);
  buf_.erase(0, newline + 1 + data_length + payload_length);
  return event;
}

bool WyomingClient::WaitClosed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    switch (Receive(deadline)) {
      case Received::kClosed:
        return true;
      case Received::kTimeout:
        return false;
      case Received::kData:
        buf_.clear();  // what came before the close is not asked for
    }
  }
}

}  // namespace vox::wyoming::testing
