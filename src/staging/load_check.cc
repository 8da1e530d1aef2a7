// Load and failure: a burst of load.jobs distinct jobs from load.concurrency submitters.
// Once half are accepted, the failure hooks (if any) run: kill a worker, restart a service.
// Then every job must reach a final state, and each exactly once:
//   - every submission accepted, under its own Idempotency-Key: a submission retried after
//     a lost answer (the service restarting) gets its job back instead of a second job;
//   - as many distinct job ids as submissions (no two share a job);
//   - every job done (after hooks: final, with at most failure.max_failed failed);
//   - attempts 1 each without hooks (a second attempt of a healthy run is a duplicate
//     delivery); at most failure.max_attempts after them (a crash requeues, no loop);
//   - the job listing shows each id once.
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "staging/checks.h"

extern char** environ;

namespace vox::staging {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Slot {
  std::string job_id;
  std::string error;
  int resubmits = 0;
  json final_job;
};

// Runs `command` with /bin/sh and STAGING_URL set (an explicit environment: setenv would
// race with curl's getenv on the submitter threads). Returns the exit status, or -1.
int RunHook(const std::string& command, const std::string& url) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("STAGING_URL=")) env_strings.emplace_back(*e);
  }
  env_strings.push_back("STAGING_URL=" + url);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  pid_t pid;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, envp.data()) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void RunHooks(const RunContext& run, Report& report) {
  const FailureConfig& f = run.config.failure;
  for (const auto& [name, command] : {std::pair{"kill_worker_cmd", f.kill_worker_cmd},
                                      std::pair{"restart_service_cmd", f.restart_service_cmd}}) {
    if (command.empty()) continue;
    const auto start = Clock::now();
    const int rc = RunHook(command, run.api.client().base_url());
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    report.Outcome("failure", "failure.hook", name, rc == 0,
                   fmt::format("exit {} after {:.1f} s", rc, s), rc);
  }
}

// Submits job i until it is accepted, refused for good, or the deadline passes. A
// transport error, 429 or 5xx is retried with the same Idempotency-Key.
void Submit(const RunContext& run, int i, Clock::time_point deadline, Slot& slot) {
  const json request = {{"text", fmt::format("Burst job {} of {} in run {}.", i + 1,
                                             run.config.load.jobs, run.run_id)},
                        {"format", "wav"}};
  json body = request;
  if (!run.config.load.voice_id.empty()) body["voice_id"] = run.config.load.voice_id;
  const std::string key = fmt::format("staging-{}-{}", run.run_id, i);
  while (true) {
    auto id = run.api.Submit(body, key);
    if (id) {
      slot.job_id = *id;
      return;
    }
    slot.error = id.error().message;
    if (id.error().code != ErrorCode::kUnavailable || Clock::now() >= deadline) return;
    ++slot.resubmits;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

void JudgeListing(const RunContext& run, const std::vector<Slot>& slots, Report& report) {
  // The listing holds at most 100 jobs, newest first: the burst's last ones.
  auto r = run.api.client().Request("GET", "/v1/tts/jobs?limit=100");
  json body = r ? r->Json() : json();
  if (!r || r->status != 200 || !body.is_object() || !body.value("jobs", json()).is_array()) {
    report.Outcome("load", "load.listed_once", "", false,
                   r ? HttpError("GET /v1/tts/jobs", *r).message : r.error().message);
    return;
  }
  std::map<std::string, int> seen;
  for (const json& j : body["jobs"]) seen[j.value("job_id", "")]++;
  std::string twice;
  for (const Slot& s : slots) {
    if (!s.job_id.empty() && seen[s.job_id] > 1) twice += s.job_id + " ";
  }
  report.Outcome("load", "load.listed_once", "", twice.empty(),
                 twice.empty() ? "no burst job listed twice" : "listed more than once: " + twice);
}

}  // namespace

void CheckLoad(const RunContext& run, Report& report) {
  const LoadConfig& l = run.config.load;
  const FailureConfig& f = run.config.failure;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::milliseconds(static_cast<int64_t>(l.timeout_s * 1000));
  std::vector<Slot> slots(l.jobs);
  std::atomic<int> accepted{0};
  std::atomic<bool> submitted{false};  // every submission accepted or given up

  std::jthread hooks;
  if (f.any()) {
    hooks = std::jthread([&] {
      while (accepted.load() < (l.jobs + 1) / 2 && !submitted.load() && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      RunHooks(run, report);
    });
  }
  ForEachParallel(l.jobs, l.concurrency, [&](int i) {
    Submit(run, i, deadline, slots[i]);
    if (!slots[i].job_id.empty()) ++accepted;
  });
  submitted = true;
  if (hooks.joinable()) hooks.join();
  const double submit_s = std::chrono::duration<double>(Clock::now() - start).count();

  ForEachParallel(l.jobs, l.concurrency, [&](int i) {
    Slot& s = slots[i];
    if (s.job_id.empty()) return;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto job = run.api.WaitForFinal(s.job_id, std::max(left, std::chrono::milliseconds(1)),
                                    std::chrono::milliseconds(100));
    if (job) {
      s.final_job = std::move(*job);
    } else {
      s.error = job.error().message;
    }
  });
  const double total_s = std::chrono::duration<double>(Clock::now() - start).count();

  int ok = 0, done = 0, final = 0, failed = 0, resubmits = 0, max_attempts = 0;
  std::set<std::string> ids;
  std::string problems, most_tried;
  for (const Slot& s : slots) {
    resubmits += s.resubmits;
    if (s.job_id.empty()) {
      problems += "not accepted: " + s.error + "; ";
      continue;
    }
    ++ok;
    ids.insert(s.job_id);
    const std::string status = s.final_job.is_object() ? s.final_job.value("status", "") : "";
    if (status.empty()) {
      problems += s.job_id + " " + s.error + "; ";
      continue;
    }
    ++final;
    if (status == "done") ++done;
    if (status == "failed") ++failed;
    if (status != "done") problems += s.job_id + " ended " + status + "; ";
    const int attempts = s.final_job.value("attempts", 0);
    if (attempts > max_attempts) max_attempts = attempts, most_tried = s.job_id;
  }
  const double n = l.jobs;
  const std::string detail = problems.size() > 600 ? problems.substr(0, 600) + "..." : problems;
  report.Judge("load", "load.accepted", "", ok, ">=", n,
               fmt::format("{} resubmissions after errors; {}", resubmits, detail));
  report.Judge("load", "load.distinct_job_ids", "", static_cast<double>(ids.size()), ">=", ok,
               "one job per submission");
  if (f.any()) {
    report.Judge("load", "load.final", "", final, ">=", n, detail);
    report.Judge("failure", "failure.max_failed", "", failed, "<=", f.max_failed, detail);
  } else {
    report.Judge("load", "load.done", "", done, ">=", n, detail);
  }
  report.Judge("load", f.any() ? "failure.max_attempts" : "load.max_attempts", most_tried,
               max_attempts, "<=", f.any() ? f.max_attempts : 1,
               "the most attempts any burst job took");
  JudgeListing(run, slots, report);
  report.Info("load", "load.submit_s", "", submit_s, "all submissions accepted or given up");
  report.Info("load", "load.wall_s", "", total_s, "first submission to the last final status");
  report.Info("load", "load.jobs_per_s", "", total_s > 0 ? done / total_s : 0);
}

}  // namespace vox::staging
