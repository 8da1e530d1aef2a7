// Test support: a throwaway PostgreSQL server (pg_test_server.sh) owned by
// an RAII object — started in a fresh temporary directory on a free loopback
// port, stopped and deleted in the destructor, also when a test fails.
// Not part of the product library; linked only into tests.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace vox::store::postgres::testing {

class PgTestServer {
 public:
  // kUnavailable when PostgreSQL's server binaries are not installed (the
  // caller skips, unless the CI environment variable is set).
  static Result<std::unique_ptr<PgTestServer>> Start();
  ~PgTestServer();
  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;

  // postgresql://vox@127.0.0.1:PORT/vox (trust authentication, no password).
  const std::string& url() const { return url_; }
  // Creates database `name` if missing; returns its URL.
  Result<std::string> CreateDatabase(const std::string& name);
  // Stops the server, keeping its data (fault tests), and starts it again.
  Status Pause();
  Status Resume();

 private:
  PgTestServer(std::string dir, std::string url) : dir_(std::move(dir)), url_(std::move(url)) {}
  std::string dir_;
  std::string url_;
};

// The URL of database `name` on the server at `server_url` (same user, host
// and port), created if missing.
Result<std::string> CreateDatabaseAt(const std::string& server_url, const std::string& name);

// For the conformance suite: a database named after `dir` on a server shared
// by the whole test process: the one in VOX_TEST_PG_URL, or whose URL is in
// the file VOX_TEST_PG_URL_FILE (CTest's fixture starts one server for the
// whole run), else one this process starts on first use and stops at exit.
Result<std::string> SharedTestDatabase(const std::string& dir);

}  // namespace vox::store::postgres::testing
