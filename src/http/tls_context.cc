#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace vox::http {
namespace ssl = boost::asio::ssl;
namespace {

// TLS 1.2: forward secrecy (ECDHE) and AEAD only. TLS 1.3 suites are all modern.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// OpenSSL's reason for the last failure ("no start line", "key values mismatch").
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "unknown error";
}

// An unreadable file is named with errno's words, before OpenSSL's vaguer "system lib".
Status CheckReadable(const std::string& path, const char* what, const char* field) {
  if (path.empty()) return InvalidArgument(std::string(what) + " is not set", field);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument(
        "cannot read " + std::string(what) + " " + path + ": " + std::strerror(errno), field);
  }
  return {};
}

Result<std::shared_ptr<ssl::context>> Build(const std::string& cert_file,
                                            const std::string& key_file) {
  VOX_RETURN_IF_ERROR(CheckReadable(cert_file, "TLS certificate", "tls_cert_file"));
  VOX_RETURN_IF_ERROR(CheckReadable(key_file, "TLS key", "tls_key_file"));
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, kTls13Suites) != 1) {
    return InvalidArgument("cannot configure TLS: " + OpenSslReason(), "tls_cert_file");
  }
  // SSL_OP_ALL: OpenSSL's harmless interoperability workarounds (asio's default_workarounds).
  SSL_CTX_set_options(ctx, SSL_OP_ALL | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // An idle keep-alive connection gives its ~34 KiB of record buffers back.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    return InvalidArgument(
        "TLS certificate " + cert_file + " is not a PEM certificate: " + OpenSslReason(),
        "tls_cert_file");
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL checks the key against the certificate here ("key values mismatch").
    return InvalidArgument("TLS key " + key_file +
                               " is not a PEM private key or does not match certificate " +
                               cert_file + ": " + OpenSslReason(),
                           "tls_key_file");
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgument(
        "TLS key " + key_file + " does not match certificate " + cert_file + ": " + OpenSslReason(),
        "tls_key_file");
  }
  return context;
}

}  // namespace

TlsContext::TlsContext(std::string cert_file, std::string key_file,
                       std::shared_ptr<ssl::context> context)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      current_(std::move(context)) {}

Result<std::unique_ptr<TlsContext>> TlsContext::Load(std::string cert_file, std::string key_file) {
  VOX_ASSIGN_OR_RETURN(auto context, Build(cert_file, key_file));
  return std::unique_ptr<TlsContext>(
      new TlsContext(std::move(cert_file), std::move(key_file), std::move(context)));
}

Status TlsContext::Reload() {
  VOX_ASSIGN_OR_RETURN(auto context, Build(cert_file_, key_file_));
  std::lock_guard lock(mu_);
  current_ = std::move(context);
  return {};
}

std::shared_ptr<ssl::context> TlsContext::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

}  // namespace vox::http
