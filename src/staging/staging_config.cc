#include "staging/staging_config.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace vox::staging {
namespace {

using nlohmann::json;

// Reads one section's keys, each checked for type and range; the first error wins and
// names the key. Keys not read are unknown (Finish()).
class Section {
 public:
  Section(const json& root, std::string name, std::optional<Error>& error)
      : name_(std::move(name)), error_(error) {
    const json* at = name_.empty() ? &root : nullptr;
    if (!at && root.contains(name_)) at = &root[name_];
    if (!at) return;
    if (!at->is_object()) {
      Fail(name_, "must be an object");
    } else {
      object_ = at;
    }
  }

  void Number(const char* key, double& out, double lo, double hi) {
    const json* v = Get(key);
    if (!v) return;
    if (!v->is_number()) return Fail(Key(key), "must be a number");
    double d = v->get<double>();
    if (!(d >= lo && d <= hi)) {
      return Fail(Key(key), "must be from " + Plain(lo) + " to " + Plain(hi));
    }
    out = d;
  }
  void Integer(const char* key, int& out, int lo, int hi) {
    const json* v = Get(key);
    if (!v) return;
    if (!v->is_number_integer()) return Fail(Key(key), "must be an integer");
    auto n = v->get<int64_t>();
    if (n < lo || n > hi) return Fail(Key(key), "must be from " + Plain(lo) + " to " + Plain(hi));
    out = static_cast<int>(n);
  }
  void String(const char* key, std::string& out) {
    const json* v = Get(key);
    if (!v) return;
    if (!v->is_string()) return Fail(Key(key), "must be a string");
    out = v->get<std::string>();
  }
  void Strings(const char* key, std::vector<std::string>& out) {
    const json* v = Get(key);
    if (!v) return;
    if (!v->is_array()) return Fail(Key(key), "must be an array of strings");
    out.clear();
    for (const json& s : *v) {
      if (!s.is_string() || s.get<std::string>().empty()) {
        return Fail(Key(key), "must be an array of non-empty strings");
      }
      out.push_back(s.get<std::string>());
    }
  }
  template <typename T>
  void Map(const char* key, std::map<std::string, T>& out) {
    const json* v = Get(key);
    if (!v) return;
    if (!v->is_object()) return Fail(Key(key), "must be an object");
    for (const auto& [k, value] : v->items()) {
      if constexpr (std::is_same_v<T, double>) {
        if (!value.is_number() || value.template get<double>() < 0) {
          return Fail(Key(key) + "." + k, "must be a number of at least 0");
        }
      } else if (!value.is_string() || value.template get<std::string>().empty()) {
        return Fail(Key(key) + "." + k, "must be a non-empty string");
      }
      out[k] = value.template get<T>();
    }
  }
  // Keys of this section that no reader asked for.
  void Finish(std::set<std::string> sections = {}) {
    if (!object_) return;
    for (const auto& [k, v] : object_->items()) {
      if (!read_.contains(k) && !sections.contains(k)) return Fail(Key(k), "unknown key");
    }
  }

 private:
  const json* Get(const char* key) {
    read_.insert(key);
    if (!object_ || error_) return nullptr;
    auto it = object_->find(key);
    return it == object_->end() ? nullptr : &*it;
  }
  std::string Key(const std::string& key) const { return name_.empty() ? key : name_ + "." + key; }
  void Fail(const std::string& key, const std::string& why) {
    if (!error_) error_ = Error{ErrorCode::kInvalidArgument, key + " " + why, key};
  }
  static std::string Plain(double d) {
    std::ostringstream out;
    out << d;
    return out.str();
  }

  std::string name_;
  std::optional<Error>& error_;
  const json* object_ = nullptr;
  std::set<std::string> read_;
};

}  // namespace

double QualityConfig::MaxWerFor(const std::string& voice_id, const std::string& engine) const {
  if (auto it = max_wer_overrides.find(voice_id); it != max_wer_overrides.end()) return it->second;
  if (auto it = max_wer_overrides.find(engine); it != max_wer_overrides.end()) return it->second;
  return max_wer;
}

Result<StagingConfig> StagingConfig::FromJson(const json& root) {
  if (!root.is_object()) return InvalidArgument("the configuration must be a JSON object");
  StagingConfig c;
  std::optional<Error> error;
  constexpr double kMs = 3'600'000;

  Section f(root, "functional", error);
  f.Map("sentences", c.functional.sentences);
  f.String("default_sentence", c.functional.default_sentence);
  f.Number("min_rms", c.functional.min_rms, 0, 1);
  f.Number("min_seconds_per_char", c.functional.min_seconds_per_char, 0, 10);
  f.Number("max_seconds_per_char", c.functional.max_seconds_per_char, 0, 10);
  f.Integer("concurrency", c.functional.concurrency, 1, 64);
  f.Finish();

  Section l(root, "latency", error);
  l.String("voice_id", c.latency.voice_id);
  l.Integer("stream_samples", c.latency.stream_samples, 1, 1000);
  l.Integer("job_samples", c.latency.job_samples, 1, 1000);
  l.Integer("poll_ms", c.latency.poll_ms, 1, 10'000);
  l.Number("max_ttfa_p50_ms", c.latency.max_ttfa_p50_ms, 0, kMs);
  l.Number("max_ttfa_p95_ms", c.latency.max_ttfa_p95_ms, 0, kMs);
  l.Number("max_job_p50_ms", c.latency.max_job_p50_ms, 0, kMs);
  l.Number("max_job_p95_ms", c.latency.max_job_p95_ms, 0, kMs);
  l.Finish();

  Section q(root, "quality", error);
  q.Strings("voices", c.quality.voices);
  q.Strings("skip_engines", c.quality.skip_engines);
  q.Number("max_wer", c.quality.max_wer, 0, 10);
  q.Map("max_wer_overrides", c.quality.max_wer_overrides);
  q.String("clone_voice_id", c.quality.clone_voice_id);
  q.String("clone_reference_audio", c.quality.clone_reference_audio);
  q.Number("min_clone_similarity", c.quality.min_clone_similarity, -1, 1);
  q.Finish();

  Section b(root, "load", error);
  b.String("voice_id", c.load.voice_id);
  b.Integer("jobs", c.load.jobs, 1, 10'000);
  b.Integer("concurrency", c.load.concurrency, 1, 256);
  b.Number("timeout_s", c.load.timeout_s, 1, 86'400);
  b.Finish();

  Section x(root, "failure", error);
  x.String("kill_worker_cmd", c.failure.kill_worker_cmd);
  x.String("restart_service_cmd", c.failure.restart_service_cmd);
  x.Integer("max_attempts", c.failure.max_attempts, 1, 100);
  x.Integer("max_failed", c.failure.max_failed, 0, 10'000);
  x.Finish();

  Section top(root, "", error);
  top.Strings("checks", c.checks);
  for (const std::string& check : c.checks) {
    if (check != "functional" && check != "quality" && check != "latency" && check != "load" &&
        !error) {
      error = Error{
          ErrorCode::kInvalidArgument,
          "checks: unknown check '" + check + "'; choose functional, quality, latency or load",
          "checks"};
    }
  }
  top.String("json_report", c.json_report);
  top.String("markdown_report", c.markdown_report);
  top.Number("request_timeout_s", c.request_timeout_s, 1, 3600);
  top.Finish({"functional", "latency", "quality", "load", "failure", "$comment"});

  if (!error && c.functional.min_seconds_per_char > c.functional.max_seconds_per_char) {
    error = Error{ErrorCode::kInvalidArgument,
                  "functional.min_seconds_per_char must not exceed max_seconds_per_char",
                  "functional.min_seconds_per_char"};
  }
  if (error) return std::unexpected(*error);
  return c;
}

Result<StagingConfig> StagingConfig::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read the configuration file " + path, "--config");
  json root = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgument(path + " is not valid JSON", "--config");
  auto config = FromJson(root);
  if (!config) return InvalidArgument(path + ": " + config.error().message, "--config");
  return config;
}

bool QualityConfig::Judged(const std::string& engine) const {
  return std::find(skip_engines.begin(), skip_engines.end(), engine) == skip_engines.end();
}

bool StagingConfig::Runs(const std::string& check) const {
  return std::find(checks.begin(), checks.end(), check) != checks.end();
}

json StagingConfig::ToJson() const {
  return {{"checks", checks},
          {"functional",
           {{"sentences", functional.sentences},
            {"default_sentence", functional.default_sentence},
            {"min_rms", functional.min_rms},
            {"min_seconds_per_char", functional.min_seconds_per_char},
            {"max_seconds_per_char", functional.max_seconds_per_char},
            {"concurrency", functional.concurrency}}},
          {"latency",
           {{"voice_id", latency.voice_id},
            {"stream_samples", latency.stream_samples},
            {"job_samples", latency.job_samples},
            {"poll_ms", latency.poll_ms},
            {"max_ttfa_p50_ms", latency.max_ttfa_p50_ms},
            {"max_ttfa_p95_ms", latency.max_ttfa_p95_ms},
            {"max_job_p50_ms", latency.max_job_p50_ms},
            {"max_job_p95_ms", latency.max_job_p95_ms}}},
          {"quality",
           {{"voices", quality.voices},
            {"skip_engines", quality.skip_engines},
            {"max_wer", quality.max_wer},
            {"max_wer_overrides", quality.max_wer_overrides},
            {"clone_voice_id", quality.clone_voice_id},
            {"clone_reference_audio", quality.clone_reference_audio},
            {"min_clone_similarity", quality.min_clone_similarity}}},
          {"load",
           {{"voice_id", load.voice_id},
            {"jobs", load.jobs},
            {"concurrency", load.concurrency},
            {"timeout_s", load.timeout_s}}},
          // Hook commands are recorded as set or not: they may carry credentials.
          {"failure",
           {{"kill_worker_cmd", !failure.kill_worker_cmd.empty()},
            {"restart_service_cmd", !failure.restart_service_cmd.empty()},
            {"max_attempts", failure.max_attempts},
            {"max_failed", failure.max_failed}}},
          {"request_timeout_s", request_timeout_s}};
}

}  // namespace vox::staging
