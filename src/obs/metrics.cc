#include "obs/metrics.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace vox::obs {
namespace {

void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  std::ostringstream os;
  os.precision(15);
  os << v;
  return os.str();
}

// {a="1",b="2"} with optional extra label (for histogram "le").
std::string LabelSet(const std::vector<std::string>& names, const LabelValues& values,
                     const std::string& extra_name = {}, const std::string& extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i) out += ',';
    out += names[i] + "=\"" + EscapeLabel(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

template <typename T>  // a Family or an Info
void Header(std::ostringstream& os, const T& f, const char* type) {
  os << "# HELP " << f.name() << ' ' << f.help() << '\n';
  os << "# TYPE " << f.name() << ' ' << type << '\n';
}

}  // namespace

void Counter::Inc(double amount) { AtomicAdd(value_, amount); }
void Gauge::Add(double delta) { AtomicAdd(value_, delta); }

void Info::Set(LabelValues values) {
  std::lock_guard lock(mutex_);
  values_ = std::move(values);
}

std::optional<LabelValues> Info::values() const {
  std::lock_guard lock(mutex_);
  return values_;
}

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Snap() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  s.count = running;  // the +Inf bucket, so count and buckets always agree
  return s;
}

const std::vector<double>& DefaultLatencyBuckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,    0.25,  0.5,    1,     2.5,  5,     10,
                                              30,     60};
  return buckets;
}

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  counters_.push_back(std::make_unique<Family<Counter>>(name, help, std::move(labels)));
  return *counters_.back();
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(std::make_unique<Family<Gauge>>(name, help, std::move(labels)));
  return *gauges_.back();
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<std::string> labels,
                                          std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  for (const auto& family : histograms_) {  // shared by modules (obs/stream_latency.h)
    if (family->name() == name && family->label_names() == labels) return *family;
  }
  histograms_.push_back(
      std::make_unique<Family<Histogram>>(name, help, std::move(labels), std::move(buckets)));
  return *histograms_.back();
}

Info& Registry::AddInfo(const std::string& name, const std::string& help,
                        std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  infos_.push_back(std::make_unique<Info>(name, help, std::move(labels)));
  return *infos_.back();
}

void Registry::AddCollector(std::function<void()> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::Render() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();  // outside the lock: they may touch gauges
  std::lock_guard lock(mutex_);
  std::ostringstream os;
  for (const auto& f : counters_) {
    Header(os, *f, "counter");
    f->ForEach([&](const LabelValues& v, const Counter& c) {
      os << f->name() << LabelSet(f->label_names(), v) << ' ' << FormatNumber(c.value()) << '\n';
    });
  }
  for (const auto& f : gauges_) {
    Header(os, *f, "gauge");
    f->ForEach([&](const LabelValues& v, const Gauge& g) {
      os << f->name() << LabelSet(f->label_names(), v) << ' ' << FormatNumber(g.value()) << '\n';
    });
  }
  for (const auto& info : infos_) {
    Header(os, *info, "gauge");
    if (auto values = info->values()) {
      os << info->name() << LabelSet(info->label_names(), *values) << " 1\n";
    }
  }
  for (const auto& f : histograms_) {
    Header(os, *f, "histogram");
    f->ForEach([&](const LabelValues& v, const Histogram& h) {
      Histogram::Snapshot s = h.Snap();
      for (size_t i = 0; i < s.bounds.size(); ++i) {
        os << f->name() << "_bucket" << LabelSet(f->label_names(), v, "le", FormatNumber(s.bounds[i]))
           << ' ' << s.cumulative[i] << '\n';
      }
      os << f->name() << "_bucket" << LabelSet(f->label_names(), v, "le", "+Inf") << ' ' << s.count
         << '\n';
      os << f->name() << "_sum" << LabelSet(f->label_names(), v) << ' ' << FormatNumber(s.sum) << '\n';
      os << f->name() << "_count" << LabelSet(f->label_names(), v) << ' ' << s.count << '\n';
    });
  }
  return os.str();
}

}  // namespace vox::obs
