// Test-only: runs s3rver (the npm S3-compatible server installed by
// tests/services/install.sh) on a free loopback port with a temporary data
// directory, for as long as the object lives.
//
// Nothing assumes a server is already running. The server is stopped by the
// destructor (SIGTERM, then SIGKILL) and its directory removed; if the test
// process dies without unwinding, the kernel kills the server too
// (PR_SET_PDEATHSIG), so a failing or crashing test never leaks one.
//
// s3rver checks that the access key exists, the request time (15 min skew) and
// presigned-URL expiry, but NOT SigV4 signatures themselves; the signer is
// proven by AWS's published vectors and by comparison with awscli instead.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace vox::blob::testing {

class S3rverProcess {
 public:
  // s3rver's built-in account.
  static constexpr const char* kAccessKey = "S3RVER";
  static constexpr const char* kSecretKey = "S3RVER";

  // Starts the server with `buckets` created. It answers path-style requests
  // at http://127.0.0.1:PORT and virtual-host ones at
  // http://BUCKET.s3.localhost:PORT (libcurl resolves *.localhost to loopback).
  static Result<std::unique_ptr<S3rverProcess>> Start(const std::vector<std::string>& buckets = {
                                                          "vox-test"});
  ~S3rverProcess();
  S3rverProcess(const S3rverProcess&) = delete;
  S3rverProcess& operator=(const S3rverProcess&) = delete;

  int port() const { return port_; }
  std::string Endpoint() const;       // "http://127.0.0.1:PORT"
  std::string VhostEndpoint() const;  // "http://s3.localhost:PORT"
  // "s3://BUCKET[/prefix]?endpoint=...&region=us-east-1&path_style=1".
  std::string StorageUrl(const std::string& bucket, const std::string& prefix = "") const;

  // Sets AWS_ACCESS_KEY_ID/SECRET (and clears AWS_SESSION_TOKEN) to s3rver's
  // account, plus the variables awscli needs to run hermetically.
  static void ExportCredentials();

 private:
  S3rverProcess() = default;

  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // kept open: closing it could kill the server with EPIPE
  int port_ = 0;
  std::string dir_;
};

// One server per test process, started on first use (from the main thread:
// PR_SET_PDEATHSIG follows the thread that started it) and stopped at exit.
// nullptr when it cannot start; `why_not` then says why.
S3rverProcess* SharedS3rver(std::string* why_not = nullptr);

// Whether a test service that cannot start must fail the test instead of
// skipping it: in CI (CI is set) or with VOX_REQUIRE_TEST_SERVICES=1.
bool TestServicesRequired();

// The awscli binary to cross-check with: Debian's /usr/bin/aws when present,
// else `aws` on PATH; empty when there is none.
std::string FindAwsCli();

}  // namespace vox::blob::testing
