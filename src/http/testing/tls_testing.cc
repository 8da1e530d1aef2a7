#include "http/testing/tls_testing.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdio>

#include "common/crypto.h"

namespace vox::http::testing {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

std::string Sha256Hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, EVP_sha256(), md, &n);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), n));
}

bool WritePem(const std::string& path, auto write) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  const bool ok = write(f) == 1;
  return std::fclose(f) == 0 && ok;
}

}  // namespace

Result<TestCertificate> WriteTestCertificate(const std::string& dir, const std::string& name) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) return Internal("cannot create a test key");
  static long serial = 1;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  if (san == nullptr) return Internal("cannot build the subjectAltName");
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return Internal("cannot sign");
  TestCertificate out{dir + "/" + name + ".crt", dir + "/" + name + ".key", Sha256Hex(cert.get())};
  if (!WritePem(out.cert_file, [&](FILE* f) { return PEM_write_X509(f, cert.get()); }) ||
      !WritePem(out.key_file, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      })) {
    return Internal("cannot write the test certificate into " + dir);
  }
  return out;
}

struct TlsTestClient::Impl {
  explicit Impl(std::chrono::milliseconds t) : timeout(t), context(ssl::context::tls_client) {}

  // Runs the io_context until `done` or the timeout; a timeout cancels and fails.
  Status Run(const bool& done, const boost::system::error_code& ec, const char* what) {
    io.restart();
    io.run_for(timeout);
    timed_out = !done;
    if (timed_out) {
      boost::system::error_code ignored;
      stream->lowest_layer().close(ignored);
      io.restart();
      io.run();
      return Unavailable(std::string(what) + ": timed out");
    }
    if (ec) return Unavailable(std::string(what) + ": " + ec.message());
    return {};
  }

  // Starts one read; what arrives is appended to `received`.
  void ReadSome(bool& done, boost::system::error_code& ec) {
    stream->async_read_some(asio::buffer(buf), [&](boost::system::error_code e, size_t n) {
      received.append(buf, n);
      ec = e, done = true;
    });
  }

  std::chrono::milliseconds timeout;
  bool timed_out = false;  // the last Run()
  asio::io_context io;
  ssl::context context;
  std::unique_ptr<ssl::stream<tcp::socket>> stream;
  std::string received;
  char buf[4096];
};

TlsTestClient::TlsTestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsTestClient::~TlsTestClient() = default;

Result<std::unique_ptr<TlsTestClient>> TlsTestClient::Connect(uint16_t port, Options options) {
  auto impl = std::make_unique<Impl>(options.timeout);
  SSL_CTX* ctx = impl->context.native_handle();
  if (options.min_version != 0 && options.min_version < TLS1_2_VERSION) {
    SSL_CTX_set_security_level(ctx, 0);  // else the client itself refuses TLS 1.0/1.1
    SSL_CTX_set_cipher_list(ctx, "DEFAULT@SECLEVEL=0");
  }
  if (options.min_version != 0) SSL_CTX_set_min_proto_version(ctx, options.min_version);
  if (options.max_version != 0) SSL_CTX_set_max_proto_version(ctx, options.max_version);
  impl->context.set_verify_mode(ssl::verify_none);
  impl->stream = std::make_unique<ssl::stream<tcp::socket>>(impl->io, impl->context);
  bool done = false;
  boost::system::error_code ec;
  impl->stream->lowest_layer().async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
      [&](boost::system::error_code e) { ec = e, done = true; });
  VOX_RETURN_IF_ERROR(impl->Run(done, ec, "connect"));
  done = false;
  impl->stream->async_handshake(ssl::stream_base::client,
                                [&](boost::system::error_code e) { ec = e, done = true; });
  VOX_RETURN_IF_ERROR(impl->Run(done, ec, "TLS handshake"));
  SSL* ssl = impl->stream->native_handle();
  std::unique_ptr<TlsTestClient> client(new TlsTestClient(std::move(impl)));
  client->version_ = SSL_get_version(ssl);
  if (X509* peer = SSL_get1_peer_certificate(ssl)) {
    client->peer_sha256_ = Sha256Hex(peer);
    X509_free(peer);
  }
  return client;
}

Status TlsTestClient::Write(std::string_view bytes) {
  bool done = false;
  boost::system::error_code ec;
  asio::async_write(*impl_->stream, asio::buffer(bytes.data(), bytes.size()),
                    [&](boost::system::error_code e, size_t) { ec = e, done = true; });
  return impl_->Run(done, ec, "write");
}

Result<std::string> TlsTestClient::ReadUntil(std::string_view marker) {
  while (impl_->received.find(marker) == std::string::npos) {
    bool done = false;
    boost::system::error_code ec;
    impl_->ReadSome(done, ec);
    VOX_RETURN_IF_ERROR(impl_->Run(done, ec, "read"));
  }
  return impl_->received;
}

bool TlsTestClient::WaitForClose() {
  while (true) {
    bool done = false;
    boost::system::error_code ec;
    impl_->ReadSome(done, ec);
    if (!impl_->Run(done, ec, "read")) {
      closed_cleanly_ = ec == asio::error::eof;  // asio's word for a received close_notify
      return !impl_->timed_out;
    }
  }
}

}  // namespace vox::http::testing
