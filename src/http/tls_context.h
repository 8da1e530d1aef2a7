// TlsContext: the server's certificate and key in an OpenSSL context, swappable at run time.
//
// TLS 1.2 and 1.3 only; TLS 1.2 limited to ECDHE key exchange with AEAD ciphers (Mozilla's
// "intermediate" profile without DHE), no compression, no renegotiation. Each connection takes
// the current context when it is accepted and keeps it; Reload() builds a new one, so
// handshakes after it use the new certificate while open connections are untouched. A reload
// that fails (unreadable file, bad PEM, key not matching the certificate) keeps the old one.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"

namespace vox::http {

class TlsContext {
 public:
  // Loads both files. invalid_argument naming "tls_cert_file" or "tls_key_file".
  static Result<std::unique_ptr<TlsContext>> Load(std::string cert_file, std::string key_file);

  // Reads the same two files again; on failure the current context stays. Thread-safe.
  Status Reload();
  // The context new connections use. Thread-safe.
  std::shared_ptr<boost::asio::ssl::context> Current() const;

 private:
  TlsContext(std::string cert_file, std::string key_file,
             std::shared_ptr<boost::asio::ssl::context> context);

  const std::string cert_file_;
  const std::string key_file_;
  mutable std::mutex mu_;  // guards current_
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace vox::http
