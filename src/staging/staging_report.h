// What a staging run measured: one row per figure, each held to its bound (or recorded
// only), written as JSON (for machines: dashboards, trend lines) and Markdown (for the
// pull request or the CI job summary). A run passes when every row does.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace vox::staging {

struct Metric {
  std::string check;            // "functional", "latency", "quality", "load", "failure"
  std::string name;             // "latency.ttfa_p95_ms": the threshold's key where there is one
  std::string subject;          // what was measured: a language, a voice, a hook; may be empty
  std::optional<double> value;  // nullopt: could not be measured (a failure unless info)
  std::optional<double> bound;  // nullopt: recorded, not judged
  std::string op;               // "<=" or ">=" with a bound
  bool passed = true;
  std::string detail;

  // "latency.ttfa_p95_ms [flite-slt] = 2412 > 2000 (...)": the line a failure prints.
  std::string Describe() const;
};

// Thread-safe: checks may record from several threads.
class Report {
 public:
  // A judged figure: passes when value OP bound (a missing value fails).
  void Judge(std::string check, std::string name, std::string subject, std::optional<double> value,
             std::string op, double bound, std::string detail = {});
  // A pass/fail outcome without a number (a job that did not end done, a hook that failed).
  void Outcome(std::string check, std::string name, std::string subject, bool passed,
               std::string detail, std::optional<double> value = std::nullopt);
  // A figure recorded for the record (throughput, counts).
  void Info(std::string check, std::string name, std::string subject, double value,
            std::string detail = {});

  bool passed() const;
  std::vector<Metric> failures() const;
  std::vector<Metric> metrics() const;

  // `context`: the target, times and the configuration, copied into the JSON.
  nlohmann::json ToJson(const nlohmann::json& context) const;
  std::string ToMarkdown(const nlohmann::json& context) const;
  // Writes both (creating parent folders).
  Status Write(const std::string& json_path, const std::string& markdown_path,
               const nlohmann::json& context) const;

 private:
  void Add(Metric m);

  mutable std::mutex mu_;
  std::vector<Metric> metrics_;  // guarded by mu_
};

}  // namespace vox::staging
