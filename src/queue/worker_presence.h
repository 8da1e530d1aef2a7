// WorkerPresence: a worker process's heartbeat, shared through the queue so
// that every API process can show every live worker (/readyz, metrics).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace vox::queue {

struct WorkerPresence {
  std::string worker_id;  // the process's id (its threads append an index)
  std::string host;
  int64_t pid = 0;
  int threads = 0;
  int busy = 0;  // threads running a job now
  int64_t started_at = 0;
  int64_t last_seen_at = 0;  // ms since the epoch, stamped by the worker
  int64_t jobs_finished = 0;

  nlohmann::json ToJson() const {
    return {{"worker_id", worker_id}, {"host", host},
            {"pid", pid},             {"threads", threads},
            {"busy", busy},           {"started_at", started_at},
            {"last_seen_at", last_seen_at}, {"jobs_finished", jobs_finished}};
  }

  // nullopt for anything that is not a presence record (the stored value is
  // shared state another version may have written: never trust its shape).
  static std::optional<WorkerPresence> FromJson(const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("worker_id") || !j["worker_id"].is_string() ||
        !j.contains("last_seen_at") || !j["last_seen_at"].is_number_integer()) {
      return std::nullopt;
    }
    WorkerPresence p;
    p.worker_id = j["worker_id"].get<std::string>();
    p.last_seen_at = j["last_seen_at"].get<int64_t>();
    auto text = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
    auto num = [&](const char* k) -> int64_t {
      return j.contains(k) && j[k].is_number_integer() ? j[k].get<int64_t>() : 0;
    };
    p.host = text("host");
    p.pid = num("pid");
    p.threads = static_cast<int>(num("threads"));
    p.busy = static_cast<int>(num("busy"));
    p.started_at = num("started_at");
    p.jobs_finished = num("jobs_finished");
    return p;
  }
};

}  // namespace vox::queue
