// Prometheus metrics: counters, gauges and histograms grouped in labelled families, rendered in
// the text exposition format 0.0.4 for GET /metrics.
//
// Thread-safety: everything is safe from any thread. Counter, Gauge and Histogram updates are
// lock-free (atomics); XFamily::with() takes the family's mutex to find or create the labelled
// metric and returns a reference that stays valid for the registry's lifetime, so hot paths can
// look a metric up once and keep it. Registration and render() take the registry's mutex.
//
// Contracts a caller can rely on:
// - Metric names are made valid for Prometheus ([a-zA-Z_:][a-zA-Z0-9_:]*) by replacing every
//   other character with '_' (and prefixing '_' to a leading digit); label names likewise
//   ([a-zA-Z_][a-zA-Z0-9_]*). Histograms must not use the label name "le".
// - Registering a name again returns the family registered first. Registering it with another
//   type is a programming error: the call returns a detached family of the requested type that
//   works but is never rendered.
// - with() takes exactly one value per label name; missing values are treated as "" and extra
//   values are ignored (also a programming error, never a crash).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ragd::server {

// A monotonically increasing value. inc() ignores negative and NaN amounts.
class Counter {
 public:
  void inc(double v = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, inclusive); NaN observations are
// ignored. A render that runs during observe() may see the sum and the counts of slightly
// different moments; the rendered _count always equals the +Inf bucket.
class Histogram {
 public:
  // `bounds`: sorted, finite, without duplicates (HistogramFamily ensures it).
  explicit Histogram(const std::vector<double>* bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_->size() + 1 (the +Inf bucket)
  std::atomic<double> sum_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// What every family shares; the registry renders families through this.
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names);
  virtual ~MetricFamily() = default;
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Appends the family's HELP, TYPE and sample lines; nothing when it has no metric yet.
  void render(std::string& out) const;

 protected:
  // Appends the sample lines. Called under the family's mutex.
  virtual void render_samples(std::string& out) const = 0;
  // The label values normalised to one per label name.
  std::vector<std::string> fit(std::vector<std::string> values) const;
  // The label list without braces (`a="x",b="y"`), empty for a family without labels.
  std::string label_text(const std::vector<std::string>& values) const;

  mutable std::mutex mutex_;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

// A family of metrics of one type: one metric per distinct list of label values, created on
// first use. Samples render sorted by label values.
template <typename Metric>
class BasicFamily : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  Metric& with(std::vector<std::string> label_values = {});

 protected:
  virtual std::unique_ptr<Metric> make() const = 0;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> metrics_;
};

class CounterFamily : public BasicFamily<Counter> {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);

 protected:
  std::unique_ptr<Counter> make() const override { return std::make_unique<Counter>(); }
  void render_samples(std::string& out) const override;
};

class GaugeFamily : public BasicFamily<Gauge> {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names);

 protected:
  std::unique_ptr<Gauge> make() const override { return std::make_unique<Gauge>(); }
  void render_samples(std::string& out) const override;
};

class HistogramFamily : public BasicFamily<Histogram> {
 public:
  // `buckets` are upper bounds; they are sorted, de-duplicated, and NaN and infinities are
  // dropped (+Inf is always implied).
  HistogramFamily(std::string name, std::string help, std::vector<double> buckets,
                  std::vector<std::string> label_names);
  const std::vector<double>& buckets() const { return bounds_; }

 protected:
  std::unique_ptr<Histogram> make() const override;
  void render_samples(std::string& out) const override;

 private:
  std::vector<double> bounds_;
};

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // A family without labels has its one metric from the start, so it renders as 0 before
  // its first update.
  CounterFamily& counter(std::string name, std::string help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string name, std::string help, std::vector<double> buckets,
                             std::vector<std::string> label_names = {});

  // Runs at the start of every render(), outside the registry's mutex (a hook may register
  // families or set gauges). Hooks of concurrent renders may run concurrently; an exception
  // from a hook is swallowed.
  void on_collect(std::function<void()> hook);

  // The text exposition (format 0.0.4): families in registration order, each with HELP and
  // TYPE lines.
  std::string render();

 private:
  template <typename Family, typename... Args>
  Family& add(MetricType type, std::string name, Args&&... args);

  std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::unordered_map<std::string, MetricFamily*> by_name_;
  std::vector<std::unique_ptr<MetricFamily>> detached_;  // type clashes; never rendered
  std::vector<std::function<void()>> hooks_;
};

// Request-latency buckets in seconds, 0.0005 .. 30 (16 bounds).
std::vector<double> default_latency_buckets();

// A number as Prometheus writes it: "+Inf", "-Inf", "NaN", integers without exponent or
// fraction, other values in the shortest form that reads back exactly.
std::string format_metric_value(double v);

// Label value escaping: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

// A name made valid for Prometheus as described above; `label` selects the label-name rules.
std::string sanitize_metric_name(std::string_view name, bool label = false);

}  // namespace ragd::server
