// vox audit verify|export: the audit log's hash chain (store/audit_chain.h),
// read straight from the database. Never writes, never migrates: verifying
// must not change what it verifies.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/platform_config.h"
#include "store/audit_verify.h"
#include "store/store.h"

namespace vox::cli {
namespace {

constexpr int kExitChainBroken = 3;  // distinct from "could not check" (1)

struct AuditOptions {
  PlatformConfig config;
  std::string anchor;
  std::string since;
};

std::unique_ptr<store::Store> OpenChainedStore(PlatformConfig& config, const char* command) {
  ExitOnError(command, config.Finalize());
  auto store = store::OpenStore(config.database_url);
  if (!store) Fail(command, store.error());
  auto version = (*store)->SchemaVersion();
  if (!version) Fail(command, version.error());
  if (*version < 5) {
    Fail(command, MakeError(ErrorCode::kFailedPrecondition,
                            "the database is at schema version " + std::to_string(*version) +
                                ", before the audit chain (5); run `vox migrate` first")
                      .error());
  }
  return std::move(*store);
}

// --since: unix seconds, or RFC 3339 (2026-12-06T07:00:00Z, fractions and
// offsets allowed). Epoch milliseconds, as the audit table keeps time.
Result<int64_t> ParseSince(const std::string& text) {
  static const std::regex kSeconds(R"(\d{1,12})");
  static const std::regex kRfc3339(
      R"((\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2})))");
  std::smatch m;
  if (std::regex_match(text, kSeconds)) return std::stoll(text) * 1000;
  if (!std::regex_match(text, m, kRfc3339)) {
    return InvalidArgument("'" + text + "' is neither unix seconds nor RFC 3339", "--since");
  }
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return InvalidArgument("'" + text + "' is not a valid time", "--since");
  }
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (m[7].matched) ms += static_cast<int64_t>(std::stod("0" + m[7].str()) * 1000);
  if (m[9].matched) {
    int64_t offset_min = std::stoi(m[10]) * 60 + std::stoi(m[11]);
    ms -= (m[9] == "+" ? 1 : -1) * offset_min * 60'000;
  }
  return ms;
}

nlohmann::json ExportLine(const store::AuditEvent& e) {
  auto opt = [](const std::optional<std::string>& s) {
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
  };
  return {{"id", e.id},
          {"at", e.at},
          {"actor_user_id", opt(e.actor_user_id)},
          {"actor_key_id", opt(e.actor_key_id)},
          {"action", e.action},
          {"target_type", e.target_type},
          {"target_id", e.target_id},
          {"request_id", e.request_id},
          {"detail", e.detail},  // the stored text, byte for byte: what the hash covers
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

void Verify(AuditOptions& o) {
  const char* command = "audit verify";
  auto store = OpenChainedStore(o.config, command);
  auto verdict = store::VerifyAuditChain(*store);
  if (!verdict) Fail(command, verdict.error());
  if (!verdict->ok) {
    std::fprintf(stderr, "vox audit verify: audit chain broken: %s\n", verdict->problem.c_str());
    std::fprintf(stderr, "vox audit verify: the %lld rows before it are intact (head %s)\n",
                 static_cast<long long>(verdict->cursor.rows), verdict->cursor.head.c_str());
    std::exit(kExitChainBroken);
  }
  if (!o.anchor.empty() && o.anchor != store::kAuditGenesisHash) {
    auto anchored = store->FindAuditByHash(o.anchor);
    if (!anchored) Fail(command, anchored.error());
    if (!*anchored) {
      std::fprintf(stderr,
                   "vox audit verify: audit chain broken: no row has the anchor hash %s "
                   "(rows were cut from the end, or the chain was rewritten)\n",
                   o.anchor.c_str());
      std::exit(kExitChainBroken);
    }
  }
  std::cout << "audit chain intact: " << verdict->cursor.rows << " rows, head "
            << verdict->cursor.head << " (row " << verdict->cursor.last_id << ")" << std::endl;
}

void Export(AuditOptions& o) {
  const char* command = "audit export";
  std::optional<int64_t> since;
  if (!o.since.empty()) {
    auto parsed = ParseSince(o.since);
    if (!parsed) Fail(command, parsed.error());
    since = *parsed;
  }
  auto store = OpenChainedStore(o.config, command);
  int64_t after = 0;
  while (true) {
    auto rows = store->ScanAudit(after, since, 1000);
    if (!rows) Fail(command, rows.error());
    for (const auto& e : *rows) {
      std::cout << ExportLine(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << '\n';
      after = e.id;
    }
    if (rows->size() < 1000) break;
  }
  std::cout.flush();
}

}  // namespace

void AddAuditCommand(CLI::App& app) {
  CLI::App* audit = app.add_subcommand("audit", "Verify or export the hash-chained audit log.");
  audit->require_subcommand(1);

  auto verify = std::make_shared<AuditOptions>();
  CLI::App* v = audit->add_subcommand(
      "verify",
      "Check every row's hash and link. Exit 0 printing the row count and head hash; 3 naming "
      "the first row edited, deleted or reordered; 1 when the database cannot be read.");
  verify->config.AddOptions(*v);
  v->add_option("--anchor", verify->anchor,
                "A head hash recorded earlier (server log, an export): fail unless a row still "
                "has it, which shows rows cut from the end");
  v->callback([verify] { Verify(*verify); });

  auto exporter = std::make_shared<AuditOptions>();
  CLI::App* e = audit->add_subcommand(
      "export", "Print audit events as JSON lines, oldest first, with their hashes.");
  exporter->config.AddOptions(*e);
  e->add_option("--since", exporter->since,
                "Only events at or after this time: unix seconds or RFC 3339 "
                "(2026-12-06T07:00:00Z)");
  e->callback([exporter] { Export(*exporter); });
}

}  // namespace vox::cli
