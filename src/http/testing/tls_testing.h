// TLS helpers for tests (library vox_http_test_client): a self-signed certificate made at test
// time, and a small TLS client that can pin the protocol version and report what the server
// presented. Every client call has a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::http::testing {

struct TestCertificate {
  std::string cert_file;  // PEM, self-signed, for 127.0.0.1 and localhost, valid one day
  std::string key_file;   // PEM, EC P-256
  std::string sha256;     // the certificate's SHA-256 fingerprint, lowercase hex
};

// Writes DIR/NAME.crt and DIR/NAME.key.
Result<TestCertificate> WriteTestCertificate(const std::string& dir, const std::string& name);

class TlsTestClient {
 public:
  // TLS versions as OpenSSL numbers (TLS1_2_VERSION...); 0: no bound. Asking for a version
  // below 1.2 also lowers the client's own security level, so only the server can refuse it.
  struct Options {
    int min_version = 0;
    int max_version = 0;
    std::chrono::milliseconds timeout{5000};
  };
  // Connects to 127.0.0.1:port and completes the handshake (no certificate verification: the
  // test compares fingerprints instead). An error when the handshake fails.
  static Result<std::unique_ptr<TlsTestClient>> Connect(uint16_t port, Options options);
  static Result<std::unique_ptr<TlsTestClient>> Connect(uint16_t port) {
    return Connect(port, Options{});
  }
  ~TlsTestClient();

  const std::string& peer_sha256() const { return peer_sha256_; }
  const std::string& version() const { return version_; }  // "TLSv1.3"

  Status Write(std::string_view bytes);
  // Reads until what was received contains `marker`; everything received so far.
  Result<std::string> ReadUntil(std::string_view marker);
  // Reads until the server closes; true when it closed (cleanly or not) within the timeout.
  bool WaitForClose();
  // After WaitForClose(): the server ended the TLS session with close_notify, so the client can
  // tell a complete response from a cut one.
  bool closed_cleanly() const { return closed_cleanly_; }

 private:
  struct Impl;
  explicit TlsTestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string peer_sha256_;
  std::string version_;
  bool closed_cleanly_ = false;
};

}  // namespace vox::http::testing
