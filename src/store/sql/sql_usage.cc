// SqlStore: plans and the usage table (UsageStore).
#include <string>

#include "common/clock.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {
namespace {

using std::string;

constexpr const char* kPlanColumns =
    "name, monthly_chars, voice_slots, rate, concurrency, created_at, updated_at";
constexpr const char* kUsageColumns =
    "day, user_id, project, key_id, route, voice_kind, characters, audio_seconds, requests";

Plan ReadPlan(const Rows& rows, int r) {
  return Plan{rows.Text(r, 0), rows.Int(r, 1), rows.Int(r, 2), rows.Real(r, 3),
              rows.Int(r, 4),  rows.Int(r, 5), rows.Int(r, 6)};
}

UsageRow ReadUsage(const Rows& rows, int r) {
  return UsageRow{rows.Text(r, 0), rows.Text(r, 1), rows.Text(r, 2),
                  rows.Text(r, 3), rows.Text(r, 4), rows.Text(r, 5),
                  rows.Int(r, 6),  rows.Real(r, 7), rows.Int(r, 8)};
}

Status ValidatePlan(const Plan& p) {
  if (p.name.empty() || p.name.size() > 100) {
    return InvalidArgument("a plan's name must be 1..100 characters", "name");
  }
  if (p.monthly_chars < 0) return InvalidArgument("must be >= 0", "monthly_chars");
  if (p.voice_slots < 0) return InvalidArgument("must be >= 0", "voice_slots");
  if (!(p.rate >= 0)) return InvalidArgument("must be >= 0", "rate");
  if (p.concurrency < 0) return InvalidArgument("must be >= 0", "concurrency");
  return {};
}

Status ValidateDelta(const UsageDelta& d) {
  if (d.day.size() != 10 || d.user_id.empty() || d.route.empty() || d.voice_kind.empty()) {
    return InvalidArgument("a usage row needs its day, user, route and voice kind");
  }
  return {};
}

// Adds `d` to its row in one statement: the row's sums grow atomically however
// many processes add.
Status UpsertUsage(Session& s, const UsageDelta& d) {
  Params p;
  p.Text(d.day).Text(d.user_id).Text(d.project).Text(d.key_id).Text(d.route);
  p.Text(d.voice_kind).Int(d.characters).Real(d.audio_seconds).Int(d.requests);
  auto run = s.Query(string("INSERT INTO usage_daily (") + kUsageColumns +
                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (user_id, "
                         "day, project, key_id, route, voice_kind) DO UPDATE SET characters = "
                         "usage_daily.characters + excluded.characters, audio_seconds = "
                         "usage_daily.audio_seconds + excluded.audio_seconds, requests = "
                         "usage_daily.requests + excluded.requests",
                     p);
  if (!run && run.error().code == DbErrc::kForeignKeyViolation) {
    return InvalidArgument("no user '" + d.user_id + "' to charge");
  }
  if (!run) return std::unexpected(run.error());
  return {};
}

DbResult<int64_t> SumChars(Session& s, const string& user_id, const string& from_day,
                           const string& to_day) {
  VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT COALESCE(SUM(characters), 0) FROM usage_daily "
                                          "WHERE user_id = ?1 AND day >= ?2 AND day <= ?3",
                                          Params().Text(user_id).Text(from_day).Text(to_day)));
  return rows.empty() ? 0 : rows.Int(0, 0);
}

}  // namespace

Result<Plan> SqlStore::UpsertPlan(Plan plan) {
  VOX_RETURN_IF_ERROR(ValidatePlan(plan));
  const int64_t now = NowMs();
  if (plan.created_at == 0) plan.created_at = now;
  if (plan.updated_at == 0) plan.updated_at = now;
  return Write([&](Session& s) -> Result<Plan> {
    Params p;
    p.Text(plan.name).Int(plan.monthly_chars).Int(plan.voice_slots).Real(plan.rate);
    p.Int(plan.concurrency).Int(plan.created_at).Int(plan.updated_at);
    VOX_ASSIGN_OR_RETURN(
        Rows rows, s.Query(string("INSERT INTO plans (") + kPlanColumns +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (name) DO UPDATE "
                               "SET monthly_chars = excluded.monthly_chars, voice_slots = "
                               "excluded.voice_slots, rate = excluded.rate, concurrency = "
                               "excluded.concurrency, updated_at = excluded.updated_at RETURNING " +
                               kPlanColumns,
                           p));
    if (rows.empty()) return Internal("plan upsert returned no row");
    return ReadPlan(rows, 0);
  });
}

Result<Plan> SqlStore::GetPlan(const string& name) {
  return Read([&](Session& s) -> Result<Plan> {
    VOX_ASSIGN_OR_RETURN(Rows rows,
                         s.Query(string("SELECT ") + kPlanColumns + " FROM plans WHERE name = ?1",
                                 Params().Text(name)));
    if (rows.empty()) return NotFound("no plan '" + name + "'", "plan");
    return ReadPlan(rows, 0);
  });
}

Result<std::vector<Plan>> SqlStore::ListPlans() {
  return Read([&](Session& s) -> Result<std::vector<Plan>> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query(string("SELECT ") + kPlanColumns +
                                            " FROM plans ORDER BY name" + dialect().byte_order));
    std::vector<Plan> plans;
    for (int r = 0; r < rows.size(); ++r) plans.push_back(ReadPlan(rows, r));
    return plans;
  });
}

Status SqlStore::AddUsage(const UsageDelta& d) {
  VOX_RETURN_IF_ERROR(ValidateDelta(d));
  return Write([&](Session& s) { return UpsertUsage(s, d); });
}

Status SqlStore::ChargeWithin(Session& s, const QuotaCharge& c) {
  VOX_RETURN_IF_ERROR(ValidateDelta(c.delta));
  if (c.max_characters > 0) {
    VOX_ASSIGN_OR_RETURN(int64_t used, SumChars(s, c.delta.user_id, c.from_day, c.to_day));
    if (used + c.delta.characters > c.max_characters) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "user '" + c.delta.user_id + "' has used " + std::to_string(used) + " of " +
                           std::to_string(c.max_characters) + " characters",
                       kQuotaRefusalField);
    }
  }
  return UpsertUsage(s, c.delta);
}

Status SqlStore::AddUsageCapped(const QuotaCharge& c) {
  return Write([&](Session& s) -> Status {
    VOX_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(s));
    VOX_RETURN_IF_ERROR(LockUser(s, c.delta.user_id));
    VOX_RETURN_IF_ERROR(ChargeWithin(s, c));
    VOX_RETURN_IF_ERROR(txn.Commit());
    return {};
  });
}

Result<std::vector<UsageRow>> SqlStore::ListUsage(const string& user_id, const string& from_day,
                                                  const string& to_day) {
  const string b = dialect().byte_order;
  return Read([&](Session& s) -> Result<std::vector<UsageRow>> {
    VOX_ASSIGN_OR_RETURN(
        Rows rows,
        s.Query(string("SELECT ") + kUsageColumns +
                    " FROM usage_daily WHERE user_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY "
                    "day" +
                    b + ", project" + b + ", key_id" + b + ", route" + b + ", voice_kind" + b,
                Params().Text(user_id).Text(from_day).Text(to_day)));
    std::vector<UsageRow> out;
    for (int r = 0; r < rows.size(); ++r) out.push_back(ReadUsage(rows, r));
    return out;
  });
}

Result<int64_t> SqlStore::SumCharacters(const string& user_id, const string& from_day,
                                        const string& to_day) {
  return Read([&](Session& s) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(int64_t n, SumChars(s, user_id, from_day, to_day));
    return n;
  });
}

DbResult<int64_t> SqlStore::CountInFlight(Session& s, const string& user_id) {
  VOX_ASSIGN_OR_RETURN(
      Rows rows, s.Query("SELECT COUNT(*) FROM jobs WHERE user_id = ?1 AND kind = 'synthesis' "
                         "AND status IN ('received', 'queued', 'picked', 'preprocessing', "
                         "'inference', 'vocoding', 'uploading')",
                         Params().Text(user_id)));
  return rows.empty() ? 0 : rows.Int(0, 0);
}

Result<int64_t> SqlStore::CountJobsInFlight(const string& user_id) {
  return Read([&](Session& s) -> Result<int64_t> {
    VOX_ASSIGN_OR_RETURN(int64_t n, CountInFlight(s, user_id));
    return n;
  });
}

}  // namespace vox::store::sql
