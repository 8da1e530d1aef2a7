// End-to-end tests of the hash-chained audit log through the real binaries:
// `vox serve` audits every synthesis route, Wyoming's included (who, voice,
// characters, the text's SHA-256, never the text); `vox audit export` lines recompute here
// with an independent JCS encoding; `vox audit verify` names the row that the
// real sqlite3 shell edited, deleted or reordered; and the server's gauge
// vox_audit_chain_valid drops when its live database is tampered with; the head it verified
// is on /metrics and follows the chain.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "common/crypto.h"
#include "support/api_client.h"
#include "support/vox_process.h"
#include "wyoming/testing/wyoming_client.h"

namespace vox::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// One per route, distinct so each event is found by its text's hash.
const char* const kNative = "Audit native job one.";
const char* const kStream = "Audit native stream two.";
const char* const kOpenAi = "Audit open A I speech three.";
const char* const kEleven = "Audit eleven labs four.";
const char* const kElevenStream = "Audit eleven labs stream five.";
const char* const kWyoming = "Audit wyoming six.";

std::vector<json> Lines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(json::parse(line, nullptr, false));
    EXPECT_FALSE(lines.back().is_discarded()) << line;
  }
  return lines;
}

// The chain's rule (src/store/README.md), written again here: RFC 8785 JSON
// of every column but id and the hashes; nlohmann sorts keys and escapes as
// JCS does.
std::string ExpectedHash(const std::string& prev, const json& line) {
  json canonical = line;
  for (const char* key : {"id", "prev_hash", "hash"}) canonical.erase(std::string(key));
  return Sha256Hex(prev + canonical.dump());
}

CommandResult Sqlite(const fs::path& db, const std::string& sql) {
  CommandResult r = RunProgram({"sqlite3", db.string(), sql});
  EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  return r;
}

class AuditE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    // Info: the checks log the heads they verified.
    server_ = new ServerProcess(data(), {"--workers", "1", "--audit-verify-interval", "1",
                                         "--wyoming-listen", "127.0.0.1:0", "--log-level", "info"});
    server_->set_stderr_file(dir_->path() / "server.log");
    ASSERT_TRUE(server_->Start()) << server_->output();
  }
  // The syntheses, once per process, in a test (a failure in SetUpTestSuite
  // would read as a skip in ctest).
  void SetUp() override {
    static bool synthesized = false;
    if (!synthesized) {
      Synthesize();
      synthesized = !HasFailure();
    }
    ASSERT_TRUE(synthesized);
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Terminate(), 0);
    delete server_;
    delete dir_;
  }
  static fs::path data() { return dir_->path() / "data"; }
  static fs::path db() { return data() / "vox.db"; }

  // One synthesis on each route, each read to its end.
  static void Synthesize() {
    ApiClient api(server_->port(), server_->admin_key());
    const http::HttpClient::HeaderList json_type = {{"Content-Type", "application/json"}};
    auto job = api.Submit({{"text", kNative}, {"voice_id", "flite-slt"}});
    ASSERT_TRUE(job && job->status == 202) << (job ? job->body : "");
    ASSERT_EQ(api.WaitForFinal(job->JsonBody()["job_id"].get<std::string>()).value("status", ""),
              "done");
    auto stream = api.Call("POST", "/v1/tts/stream",
                           json{{"text", kStream}, {"voice_id", "flite-slt"}}.dump(), json_type);
    ASSERT_TRUE(stream && stream->status == 200) << (stream ? stream->body : "");
    auto speech = api.Call("POST", "/v1/audio/speech",
                           json{{"model", "tts-1"}, {"voice", "alloy"}, {"input", kOpenAi}}.dump(),
                           json_type);
    ASSERT_TRUE(speech && speech->status == 200) << (speech ? speech->body : "");
    ApiClient eleven(server_->port(), "");
    http::HttpClient::HeaderList xi = {{"xi-api-key", server_->admin_key()},
                                       {"Content-Type", "application/json"}};
    for (auto [path, text] : {std::pair{"/v1/text-to-speech/flite-slt", kEleven},
                              std::pair{"/v1/text-to-speech/flite-slt/stream", kElevenStream}}) {
      auto r = eleven.Call("POST", path, json{{"text", text}}.dump(), xi);
      ASSERT_TRUE(r && r->status == 200) << path << ": " << (r ? r->body : "");
    }
    const uint16_t wyoming_port = wyoming::testing::AnnouncedPort(server_->output());
    ASSERT_NE(wyoming_port, 0) << server_->output();
    wyoming::testing::WyomingClient wyoming(wyoming_port);
    ASSERT_TRUE(
        wyoming.Send("synthesize", {{"text", kWyoming}, {"voice", {{"name", "flite-slt"}}}}));
    for (auto e = wyoming.Read(); e && e->type != "audio-stop"; e = wyoming.Read()) {
      ASSERT_NE(e->type, "error") << e->data.dump();
    }
  }

  // `vox audit export`, waiting until `want` rows are there (a stream is
  // recorded just after its last byte).
  static std::vector<json> Export(size_t want, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"audit", "export", "--data", data().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<json> lines;
    for (int i = 0; i < 100; ++i) {
      CommandResult r = RunVox(args);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      lines = Lines(r.out);
      if (lines.size() >= want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return lines;
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* AuditE2e::dir_ = nullptr;
ServerProcess* AuditE2e::server_ = nullptr;

TEST_F(AuditE2e, EverySynthesisRouteRecordsWhoVoiceCharactersAndTextHash) {
  std::vector<json> lines = Export(6);
  for (const char* text : {kNative, kStream, kOpenAi, kEleven, kElevenStream, kWyoming}) {
    SCOPED_TRACE(text);
    const json* found = nullptr;
    for (const json& line : lines) {
      EXPECT_EQ(line.dump().find(text), std::string::npos) << "the text itself was kept";
      json detail = json::parse(line["detail"].get<std::string>());
      if (detail.value("text_sha256", "") == Sha256Hex(text)) found = &line;
    }
    ASSERT_NE(found, nullptr);
    json detail = json::parse((*found)["detail"].get<std::string>());
    if (text == kWyoming) {  // the protocol has no user: the listener's event
      EXPECT_EQ((*found)["action"], "wyoming.synthesize");
      EXPECT_TRUE((*found)["actor_user_id"].is_null());
      EXPECT_EQ(detail["outcome"], "ok");
    } else {
      EXPECT_TRUE((*found)["action"] == "job.create" || (*found)["action"] == "job.stream");
      EXPECT_FALSE((*found)["actor_user_id"].get<std::string>().empty());
      EXPECT_FALSE((*found)["actor_key_id"].get<std::string>().empty());
    }
    EXPECT_EQ(detail["voice_id"], "flite-slt");  // OpenAI's alloy is flite-slt by default
    EXPECT_EQ(detail["chars"].get<size_t>(), std::string(text).size());
  }
}

TEST_F(AuditE2e, ExportRecomputesAndVerifyPrintsCountAndHead) {
  std::vector<json> lines = Export(6);
  ASSERT_GE(lines.size(), 5u);
  std::string prev(64, '0');
  for (const json& line : lines) {
    EXPECT_EQ(line["prev_hash"], prev);
    EXPECT_EQ(line["hash"], ExpectedHash(prev, line)) << line.dump();
    prev = line["hash"].get<std::string>();
  }
  CommandResult verify = RunVox({"audit", "verify", "--data", data().string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  // Rows appended meanwhile would only add to the count; none are expected here.
  EXPECT_EQ(verify.out, "audit chain intact: " + std::to_string(lines.size()) + " rows, head " +
                            prev + " (row " + std::to_string(lines.back()["id"].get<int64_t>()) +
                            ")\n");

  // --since, in unix seconds and in RFC 3339: the same rows, oldest first.
  const int64_t since_s = lines[2]["at"].get<int64_t>() / 1000;
  std::vector<json> by_seconds = Export(1, {"--since", std::to_string(since_s)});
  char rfc[32];
  std::time_t t = since_s;
  std::strftime(rfc, sizeof(rfc), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  std::vector<json> by_rfc = Export(1, {"--since", rfc});
  EXPECT_EQ(by_seconds, by_rfc);
  size_t expected = 0;
  for (const json& line : lines) expected += line["at"].get<int64_t>() >= since_s * 1000;
  EXPECT_EQ(by_seconds.size(), expected);
  for (size_t i = 1; i < by_seconds.size(); ++i) {
    EXPECT_GT(by_seconds[i]["id"], by_seconds[i - 1]["id"]);
  }
  // An offset means the same instant: one hour east is one hour later in UTC.
  std::strftime(rfc, sizeof(rfc), "%Y-%m-%dT%H:%M:%S+00:00", std::gmtime(&t));
  EXPECT_EQ(Export(1, {"--since", rfc}), by_seconds);
  CommandResult bad = RunVox({"audit", "export", "--data", data().string(), "--since", "lately"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--since"), std::string::npos) << bad.err;
  EXPECT_TRUE(bad.out.empty());

  // The server exports the verdict and the rows it verified.
  ApiClient api(server_->port(), server_->admin_key());
  auto metrics = api.Call("GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nvox_audit_chain_valid 1\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("\nvox_audit_chain_rows "), std::string::npos);
}

// Each tampering on its own copy of the database (made by the sqlite3 shell),
// checked through --database-url.
TEST_F(AuditE2e, VerifyNamesTheRowTheSqliteShellEditedDeletedOrReordered) {
  std::vector<json> lines = Export(6);
  ASSERT_GE(lines.size(), 5u);
  std::vector<std::string> id;
  for (const json& line : lines) id.push_back(std::to_string(line["id"].get<int64_t>()));
  auto copy = [&](const std::string& name) {
    fs::path to = dir_->path() / (name + ".db");
    Sqlite(db(), ".backup " + to.string());
    return to;
  };
  auto verify = [&](const fs::path& database, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"audit",          "verify",
                                     "--data",         data().string(),
                                     "--database-url", "sqlite://" + database.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunVox(args);
  };

  struct Tampering {
    const char* name;
    std::string sql;
    std::string verdict;  // what `verify` must say on stderr
  };
  const Tampering tamperings[] = {
      {"edited", "UPDATE audit SET detail = '{\"chars\":1}' WHERE id = " + id[2],
       "row " + id[2] + " was edited"},
      {"deleted", "DELETE FROM audit WHERE id = " + id[2],
       "rows were deleted between row " + id[1] + " and row " + id[3]},
      // Rows 2 and 3 swap places, hashes and all.
      {"reordered",
       "UPDATE audit SET id = -1 WHERE id = " + id[1] + "; UPDATE audit SET id = " + id[1] +
           " WHERE id = " + id[2] + "; UPDATE audit SET id = " + id[2] + " WHERE id = -1",
       "row " + id[1] + " is out of order: it chains from row " + id[2]},
  };
  for (const Tampering& t : tamperings) {
    SCOPED_TRACE(t.name);
    fs::path tampered = copy(t.name);
    Sqlite(tampered, t.sql);
    CommandResult r = verify(tampered);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("audit chain broken: " + t.verdict), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }

  // Cutting the newest row leaves a valid, shorter chain; the head recorded
  // before (the server's log, an export) is what shows it.
  fs::path cut = copy("cut");
  Sqlite(cut, "DELETE FROM audit WHERE id = " + id.back());
  EXPECT_EQ(verify(cut).exit_code, 0);
  CommandResult r = verify(cut, {"--anchor", lines.back()["hash"].get<std::string>()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no row has the anchor hash"), std::string::npos) << r.err;
  EXPECT_EQ(verify(copy("intact"), {"--anchor", lines.back()["hash"].get<std::string>()}).exit_code,
            0);

  // A database from before the chain: told to migrate, nothing written.
  fs::path empty = dir_->path() / "empty.db";
  Sqlite(empty, "CREATE TABLE t (x INTEGER)");
  r = verify(empty);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("vox migrate"), std::string::npos) << r.err;
}

// The head the server verified is on /metrics as a label (the anchor for `vox audit verify
// --anchor`) and in its log, with the row count; an audited action moves both, to what
// `verify` prints.
TEST_F(AuditE2e, TheVerifiedHeadIsAMetricThatFollowsTheChain) {
  ApiClient api(server_->port(), server_->admin_key());
  struct Head {
    std::string hash, row, rows;
  };
  auto scrape = [&] {
    auto m = api.Call("GET", "/metrics");
    EXPECT_TRUE(m && m->status == 200);
    std::smatch info, rows;
    static const std::regex kInfo(
        R"re(\nvox_audit_chain_head_info\{hash="([0-9a-f]{64})",row="(\d+)"\} 1\n)re");
    static const std::regex kRows(R"(\nvox_audit_chain_rows (\d+)\n)");
    const std::string body = m ? m->body : "";
    if (!std::regex_search(body, info, kInfo) || !std::regex_search(body, rows, kRows)) {
      return Head{};
    }
    return Head{info[1], info[2], rows[1]};
  };
  // The server checks every second: wait until it verified `line`, the newest row.
  auto await = [&](const json& line) {
    Head head;
    for (int i = 0; i < 100 && head.hash != line["hash"]; ++i) {
      if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      head = scrape();
    }
    EXPECT_EQ(head.hash, line["hash"]);
    EXPECT_EQ(head.row, std::to_string(line["id"].get<int64_t>()));
    CommandResult verify = RunVox({"audit", "verify", "--data", data().string()});
    EXPECT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_EQ(verify.out, "audit chain intact: " + head.rows + " rows, head " + head.hash +
                              " (row " + head.row + ")\n");
    return head;
  };
  std::vector<json> lines = Export(6);
  ASSERT_FALSE(lines.empty());
  const Head before = await(lines.back());

  auto stream = api.Call("POST", "/v1/tts/stream",
                         json{{"text", "Audit head moves."}, {"voice_id", "flite-slt"}}.dump(),
                         {{"Content-Type", "application/json"}});
  ASSERT_TRUE(stream && stream->status == 200);
  lines = Export(lines.size() + 1);
  const Head after = await(lines.back());
  EXPECT_NE(after.hash, before.hash);
  EXPECT_EQ(std::stoll(after.rows), std::stoll(before.rows) + 1);
  // The check that verified it logged it too.
  std::ifstream log(dir_->path() / "server.log");
  std::string logged((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(logged.find("audit chain verified: " + after.rows + " rows, head " + after.hash),
            std::string::npos);
}

// Last (it breaks the live chain when the tests share one server). Editing the newest row (the
// head the server verified) turns the gauge to 0 at the next tail check.
TEST_F(AuditE2e, TamperingWithTheLiveDatabaseTurnsTheGaugeToZero) {
  std::vector<json> lines = Export(6);
  ASSERT_FALSE(lines.empty());
  ApiClient api(server_->port(), server_->admin_key());
  auto gauge = [&] {
    auto m = api.Call("GET", "/metrics");
    return m ? m->body : std::string();
  };
  for (int i = 0; i < 50 && gauge().find("\nvox_audit_chain_valid 1\n") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Sqlite(db(), "UPDATE audit SET request_id = 'forged' WHERE id = " +
                   std::to_string(lines.back()["id"].get<int64_t>()));
  bool dropped = false;
  for (int i = 0; i < 100 && !dropped; ++i) {
    dropped = gauge().find("\nvox_audit_chain_valid 0\n") != std::string::npos;
    if (!dropped) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(dropped) << gauge();
  std::ifstream log(dir_->path() / "server.log");
  std::string logged((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(logged.find("audit chain broken: "), std::string::npos);
}

}  // namespace
}  // namespace vox::testing
