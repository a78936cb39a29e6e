#include "server/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace ragd::server {
namespace {

// std::atomic<double>::fetch_add is a compare-exchange loop too; this one states it.
void atomic_add(std::atomic<double>& target, double v) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + v, std::memory_order_relaxed)) {
  }
}

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes only backslash and newline (format 0.0.4).
void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   std::string_view labels, std::string_view value) {
  out.append(name);
  out.append(suffix);
  if (!labels.empty()) {
    out.push_back('{');
    out.append(labels);
    out.push_back('}');
  }
  out.push_back(' ');
  out.append(value);
  out.push_back('\n');
}

std::vector<std::string> sanitize_labels(std::vector<std::string> names) {
  for (std::string& name : names) name = sanitize_metric_name(name, /*label=*/true);
  return names;
}

std::vector<double> clean_bounds(std::vector<double> buckets) {
  std::erase_if(buckets, [](double b) { return !std::isfinite(b); });
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  return buckets;
}

}  // namespace

void Counter::inc(double v) {
  if (!(v >= 0)) return;  // negative or NaN
  atomic_add(value_, v);
}

void Gauge::add(double v) {
  atomic_add(value_, v);
}

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds->size() + 1]) {
  for (size_t i = 0; i <= bounds_->size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  if (std::isnan(v)) return;
  const auto it = std::lower_bound(bounds_->begin(), bounds_->end(), v);  // first bound >= v
  counts_[static_cast<size_t>(it - bounds_->begin())].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.reserve(bounds_->size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(total);
  }
  s.count = total;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

MetricFamily::MetricFamily(std::string name, std::string help, MetricType type,
                           std::vector<std::string> label_names)
    : name_(sanitize_metric_name(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(sanitize_labels(std::move(label_names))) {}

void MetricFamily::render(std::string& out) const {
  std::string samples;
  {
    std::lock_guard lock(mutex_);
    render_samples(samples);
  }
  if (samples.empty()) return;
  out += "# HELP ";
  out += name_;
  out.push_back(' ');
  append_help(out, help_);
  out += "\n# TYPE ";
  out += name_;
  out.push_back(' ');
  out += type_name(type_);
  out.push_back('\n');
  out += samples;
}

std::vector<std::string> MetricFamily::fit(std::vector<std::string> values) const {
  values.resize(label_names_.size());
  return values;
}

std::string MetricFamily::label_text(const std::vector<std::string>& values) const {
  std::string out;
  for (size_t i = 0; i < label_names_.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += label_names_[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out.push_back('"');
  }
  return out;
}

template <typename Metric>
Metric& BasicFamily<Metric>::with(std::vector<std::string> label_values) {
  std::vector<std::string> key = fit(std::move(label_values));
  std::lock_guard lock(mutex_);
  auto it = metrics_.find(key);
  if (it == metrics_.end()) it = metrics_.emplace(std::move(key), make()).first;
  return *it->second;
}

template class BasicFamily<Counter>;
template class BasicFamily<Gauge>;
template class BasicFamily<Histogram>;

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : BasicFamily(std::move(name), std::move(help), MetricType::kCounter, std::move(label_names)) {}

void CounterFamily::render_samples(std::string& out) const {
  for (const auto& [values, metric] : metrics_) {
    append_sample(out, name(), "", label_text(values), format_metric_value(metric->value()));
  }
}

GaugeFamily::GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : BasicFamily(std::move(name), std::move(help), MetricType::kGauge, std::move(label_names)) {}

void GaugeFamily::render_samples(std::string& out) const {
  for (const auto& [values, metric] : metrics_) {
    append_sample(out, name(), "", label_text(values), format_metric_value(metric->value()));
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<double> buckets,
                                 std::vector<std::string> label_names)
    : BasicFamily(std::move(name), std::move(help), MetricType::kHistogram, std::move(label_names)),
      bounds_(clean_bounds(std::move(buckets))) {}

std::unique_ptr<Histogram> HistogramFamily::make() const {
  return std::make_unique<Histogram>(&bounds_);
}

void HistogramFamily::render_samples(std::string& out) const {
  for (const auto& [values, metric] : metrics_) {
    const std::string labels = label_text(values);
    const std::string prefix = labels.empty() ? std::string() : labels + ",";
    const Histogram::Snapshot s = metric->snapshot();
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      const std::string le = i < bounds_.size() ? format_metric_value(bounds_[i]) : "+Inf";
      append_sample(out, name(), "_bucket", prefix + "le=\"" + le + "\"",
                    format_metric_value(static_cast<double>(s.cumulative[i])));
    }
    append_sample(out, name(), "_sum", labels, format_metric_value(s.sum));
    append_sample(out, name(), "_count", labels, format_metric_value(static_cast<double>(s.count)));
  }
}

template <typename Family, typename... Args>
Family& MetricsRegistry::add(MetricType type, std::string name, Args&&... args) {
  std::string key = sanitize_metric_name(name);
  std::lock_guard lock(mutex_);
  if (auto it = by_name_.find(key); it != by_name_.end()) {
    if (it->second->type() == type) return static_cast<Family&>(*it->second);
    auto detached = std::make_unique<Family>(std::move(key), std::forward<Args>(args)...);
    Family& family = *detached;
    detached_.push_back(std::move(detached));
    return family;
  }
  auto created = std::make_unique<Family>(key, std::forward<Args>(args)...);
  Family& family = *created;
  if (family.label_names().empty()) family.with();
  by_name_.emplace(std::move(key), created.get());
  families_.push_back(std::move(created));
  return family;
}

CounterFamily& MetricsRegistry::counter(std::string name, std::string help,
                                        std::vector<std::string> label_names) {
  return add<CounterFamily>(MetricType::kCounter, std::move(name), std::move(help),
                            std::move(label_names));
}

GaugeFamily& MetricsRegistry::gauge(std::string name, std::string help,
                                    std::vector<std::string> label_names) {
  return add<GaugeFamily>(MetricType::kGauge, std::move(name), std::move(help),
                          std::move(label_names));
}

HistogramFamily& MetricsRegistry::histogram(std::string name, std::string help,
                                            std::vector<double> buckets,
                                            std::vector<std::string> label_names) {
  return add<HistogramFamily>(MetricType::kHistogram, std::move(name), std::move(help),
                              std::move(buckets), std::move(label_names));
}

void MetricsRegistry::on_collect(std::function<void()> hook) {
  if (!hook) return;
  std::lock_guard lock(mutex_);
  hooks_.push_back(std::move(hook));
}

std::string MetricsRegistry::render() {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mutex_);
    hooks = hooks_;
  }
  for (const auto& hook : hooks) {
    try {
      hook();
    } catch (...) {  // a failing collector must not take /metrics down
    }
  }
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) family->render(out);
  return out;
}

std::vector<double> default_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075,
          0.1,    0.25,  0.5,    1,     2.5,  5,     10,   30};
}

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general);
  return std::string(buf, result.ptr);
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string sanitize_metric_name(std::string_view name, bool label) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || (c == ':' && !label);
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
  return out;
}

}  // namespace ragd::server
