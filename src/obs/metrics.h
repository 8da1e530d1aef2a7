// A small Prometheus metrics registry (Debian ships no C++ client).
//
// Families are registered once at start-up; a labelled series is looked up
// with With({...}) and can be cached by the caller. All operations are
// thread-safe; updates on a series are lock-free atomics, so the request hot
// path pays one map lookup under a mutex at most.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vox::obs {

using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void Inc(double amount = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double v);

  // A consistent-enough copy for rendering (each field read atomically).
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Snap() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1 (the +Inf bucket)
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Latency buckets in seconds, from 0.5 ms to 60 s.
const std::vector<double>& DefaultLatencyBuckets();

// An info metric: one series whose labels carry a value that is text (a hash, a version),
// rendered `name{labels} 1`. Set replaces the labels, so a value that keeps changing is still
// one series, never one per value it had; nothing is rendered before the first Set.
class Info {
 public:
  Info(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
  void Set(LabelValues values);
  std::optional<LabelValues> values() const;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
  std::optional<LabelValues> values_;
};

template <typename T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> buckets = {})
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        buckets_(std::move(buckets)) {}

  // Returns the series for these label values (created on first use). The
  // reference stays valid for the registry's lifetime.
  T& With(const LabelValues& values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls fn(values, series) for each series, in label order.
  template <typename Fn>
  void ForEach(Fn fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, series] : series_) fn(values, *series);
  }

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<T>> series_;
};

class Registry {
 public:
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> labels = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> labels = {});
  // A histogram already registered under `name` with these labels is handed back as it is
  // (its help and buckets kept): modules that share one register it each.
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> labels,
                                  std::vector<double> buckets = DefaultLatencyBuckets());

  // Prometheus has no info type: rendered as a gauge (name it `…_info`).
  Info& AddInfo(const std::string& name, const std::string& help, std::vector<std::string> labels);

  // Runs before every Render(): for gauges read on demand (queue depth).
  void AddCollector(std::function<void()> collect);

  // The Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::function<void()>> collectors_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_;
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_;
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_;
  std::vector<std::unique_ptr<Info>> infos_;
};

template <typename T>
T& Family<T>::With(const LabelValues& values) {
  std::lock_guard lock(mutex_);
  auto it = series_.find(values);
  if (it == series_.end()) {
    std::unique_ptr<T> series;
    if constexpr (std::is_same_v<T, Histogram>) {
      series = std::make_unique<T>(buckets_);
    } else {
      series = std::make_unique<T>();
    }
    it = series_.emplace(values, std::move(series)).first;
  }
  return *it->second;
}

}  // namespace vox::obs
