#include "store/postgres/testing/pg_test_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "store/postgres/pg_connection.h"

namespace vox::store::postgres::testing {
namespace {

// Runs `pg_test_server.sh ARGS`; returns its stdout, or its exit status as an error.
Result<std::string> RunScript(const std::string& args) {
  const std::string cmd = std::string("bash '") + VOX_PG_TEST_SCRIPT + "' " + args;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return Internal("cannot run " + cmd);
  std::string out;
  char buf[256];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = pclose(p);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  if (code == 77) return Unavailable("PostgreSQL server binaries are not installed");
  if (code != 0) return Internal(cmd + " failed with status " + std::to_string(code));
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

Result<std::unique_ptr<PgTestServer>> PgTestServer::Start() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vox-pg-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return Internal("mkdtemp failed");
  auto url = RunScript("start '" + tmpl + "'");
  if (!url) {
    (void)RunScript("stop '" + tmpl + "'");
    std::error_code ec;  // the script cannot remove it when it found no binaries
    std::filesystem::remove_all(tmpl, ec);
    return std::unexpected(url.error());
  }
  return std::unique_ptr<PgTestServer>(new PgTestServer(tmpl, *url));
}

PgTestServer::~PgTestServer() {
  (void)RunScript("stop '" + dir_ + "'");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status PgTestServer::Pause() {
  VOX_RETURN_IF_ERROR(RunScript("pause '" + dir_ + "'"));
  return {};
}

Status PgTestServer::Resume() {
  VOX_RETURN_IF_ERROR(RunScript("resume '" + dir_ + "'"));
  return {};
}

Result<std::string> PgTestServer::CreateDatabase(const std::string& name) {
  return CreateDatabaseAt(url_, name);
}

Result<std::string> CreateDatabaseAt(const std::string& server_url, const std::string& name) {
  VOX_ASSIGN_OR_RETURN(auto conn, Connection::Open(server_url, 5, 30000));
  if (auto st = conn->Exec("CREATE DATABASE \"" + name + "\""); !st) {
    // Another test process created it first: fine.
    if (st.error().code != sql::DbErrc::kUniqueViolation) return std::unexpected(st.error());
  }
  const size_t query = server_url.find('?');
  const std::string base = server_url.substr(0, query);
  const std::string tail = query == std::string::npos ? "" : server_url.substr(query);
  return base.substr(0, base.rfind('/') + 1) + name + tail;
}

Result<std::string> SharedTestDatabase(const std::string& dir) {
  static std::mutex mu;
  static std::unique_ptr<PgTestServer> server;  // stopped at process exit
  static std::string server_url;
  std::lock_guard<std::mutex> lock(mu);
  if (server_url.empty()) {
    if (const char* env = getenv("VOX_TEST_PG_URL"); env && *env) {
      server_url = env;
    } else if (const char* file = getenv("VOX_TEST_PG_URL_FILE");
               file && std::getline(std::ifstream(file), server_url) && !server_url.empty()) {
      // CTest's fixture (pg_ctest_fixture.cmake) started one server for the run.
    } else {
      auto started = PgTestServer::Start();
      if (!started) {
        Error err = started.error();
        // On CI a missing server is a broken setup, not a reason to skip.
        if (getenv("CI") != nullptr) err.code = ErrorCode::kInternal;
        return std::unexpected(err);
      }
      server = std::move(*started);
      server_url = server->url();
    }
  }
  // The database is named after the test's directory, so reopening the same
  // directory reaches the same database.
  std::string name = "t_";
  for (char ch : std::filesystem::path(dir).filename().string()) {
    name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  }
  return CreateDatabaseAt(server_url, name);
}

}  // namespace vox::store::postgres::testing
