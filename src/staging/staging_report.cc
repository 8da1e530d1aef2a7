#include "staging/staging_report.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace vox::staging {
namespace {

using nlohmann::json;

json Figure(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json(*v) : json(nullptr);
}

std::string Number(const std::optional<double>& v) {
  if (!v) return "n/a";
  return fmt::format("{:.4g}", *v);
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return InvalidArgument("cannot write the report " + path, "report");
  return {};
}

// Markdown table cells: a pipe or a line break would cut the row.
std::string Cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string Metric::Describe() const {
  std::string out = name;
  if (!subject.empty()) out += " [" + subject + "]";
  if (value) out += " = " + Number(value);
  if (bound) {
    const char* broken = op == "<=" ? ">" : "<";
    out += passed ? fmt::format(" (bound {} {})", op, Number(bound))
                  : fmt::format(" {} {}", value ? broken : "vs bound", Number(bound));
  }
  if (!detail.empty()) out += ": " + detail;
  return out;
}

void Report::Add(Metric m) {
  std::lock_guard lock(mu_);
  metrics_.push_back(std::move(m));
}

void Report::Judge(std::string check, std::string name, std::string subject,
                   std::optional<double> value, std::string op, double bound, std::string detail) {
  bool ok = value && std::isfinite(*value) && (op == "<=" ? *value <= bound : *value >= bound);
  if (!value && detail.empty()) detail = "not measured";
  Add({std::move(check), std::move(name), std::move(subject), value, bound, std::move(op), ok,
       std::move(detail)});
}

void Report::Outcome(std::string check, std::string name, std::string subject, bool passed,
                     std::string detail, std::optional<double> value) {
  Add({std::move(check), std::move(name), std::move(subject), value, std::nullopt, "", passed,
       std::move(detail)});
}

void Report::Info(std::string check, std::string name, std::string subject, double value,
                  std::string detail) {
  Add({std::move(check), std::move(name), std::move(subject), value, std::nullopt, "", true,
       std::move(detail)});
}

bool Report::passed() const { return failures().empty(); }

std::vector<Metric> Report::failures() const {
  std::lock_guard lock(mu_);
  std::vector<Metric> out;
  for (const Metric& m : metrics_) {
    if (!m.passed) out.push_back(m);
  }
  return out;
}

std::vector<Metric> Report::metrics() const {
  std::lock_guard lock(mu_);
  return metrics_;
}

json Report::ToJson(const json& context) const {
  json rows = json::array();
  json failed = json::array();
  for (const Metric& m : metrics()) {
    rows.push_back({{"check", m.check},
                    {"name", m.name},
                    {"subject", m.subject},
                    {"value", Figure(m.value)},
                    {"bound", Figure(m.bound)},
                    {"op", m.op},
                    {"passed", m.passed},
                    {"detail", m.detail}});
    if (!m.passed) failed.push_back(m.Describe());
  }
  json out = context;
  out["passed"] = failed.empty();
  out["failures"] = failed;
  out["metrics"] = rows;
  return out;
}

std::string Report::ToMarkdown(const json& context) const {
  const auto all = metrics();
  const auto failed = failures();
  std::string md = fmt::format("# Vox staging report: {}\n\n", failed.empty() ? "PASS" : "FAIL");
  md += fmt::format("Target `{}`, started {}, {:.1f} s.\n\n", context.value("target", ""),
                    context.value("started_at", ""), context.value("duration_s", 0.0));
  if (!failed.empty()) {
    md += "## Failures\n\n";
    for (const Metric& m : failed) md += "- " + Cell(m.Describe()) + "\n";
    md += "\n";
  }
  for (const char* check : {"functional", "latency", "quality", "load", "failure"}) {
    std::string rows;
    for (const Metric& m : all) {
      if (m.check != check) continue;
      rows += fmt::format("| {} | {} | {} | {} | {} | {} |\n", m.passed ? "ok" : "**FAIL**",
                          Cell(m.name), Cell(m.subject), Number(m.value),
                          m.bound ? m.op + " " + Number(m.bound) : "", Cell(m.detail));
    }
    if (rows.empty()) continue;
    md += fmt::format(
        "## {}\n\n| | metric | subject | value | bound | detail |\n"
        "|---|---|---|---|---|---|\n{}\n",
        check, rows);
  }
  return md;
}

Status Report::Write(const std::string& json_path, const std::string& markdown_path,
                     const json& context) const {
  VOX_RETURN_IF_ERROR(WriteFile(json_path, ToJson(context).dump(2) + "\n"));
  return WriteFile(markdown_path, ToMarkdown(context));
}

}  // namespace vox::staging
