#include "server/metrics_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace ragd::server {
namespace {

TEST(MetricsRegistry, RendersSmallRegistryExactly) {
  MetricsRegistry registry;
  auto& requests = registry.counter("http_requests_total", "Requests served.", {"route", "status"});
  auto& queue = registry.gauge("ingest_queue_length", "Jobs waiting.");
  auto& latency = registry.histogram("http_request_seconds", "Request latency.", {0.1, 1});
  requests.with({"/v1/search", "200"}).inc();
  requests.with({"/v1/search", "200"}).inc(2);
  requests.with({"/health/live", "200"}).inc();
  queue.with().set(3);
  latency.with().observe(0.05);
  latency.with().observe(0.5);
  latency.with().observe(7);

  EXPECT_EQ(registry.render(),
            "# HELP http_requests_total Requests served.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{route=\"/health/live\",status=\"200\"} 1\n"
            "http_requests_total{route=\"/v1/search\",status=\"200\"} 3\n"
            "# HELP ingest_queue_length Jobs waiting.\n"
            "# TYPE ingest_queue_length gauge\n"
            "ingest_queue_length 3\n"
            "# HELP http_request_seconds Request latency.\n"
            "# TYPE http_request_seconds histogram\n"
            "http_request_seconds_bucket{le=\"0.1\"} 1\n"
            "http_request_seconds_bucket{le=\"1\"} 2\n"
            "http_request_seconds_bucket{le=\"+Inf\"} 3\n"
            "http_request_seconds_sum 7.55\n"
            "http_request_seconds_count 3\n");
}

TEST(MetricsRegistry, UnlabelledFamiliesRenderZeroBeforeFirstUse) {
  MetricsRegistry registry;
  registry.counter("a_total", "A.");
  registry.gauge("b", "B.", {"kind"});  // labelled and unused: nothing to render
  EXPECT_EQ(registry.render(), "# HELP a_total A.\n# TYPE a_total counter\na_total 0\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeAndInclusive) {
  MetricsRegistry registry;
  auto& family = registry.histogram("h", "H.", {5, 1, 2, 2, std::nan("")}, {"op"});
  EXPECT_EQ(family.buckets(), (std::vector<double>{1, 2, 5}));
  Histogram& h = family.with({"x"});
  for (double v : {0.5, 1.0, 1.5, 2.0, 3.0, 10.0, std::nan("")}) h.observe(v);
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 4, 5, 6}));
  EXPECT_EQ(s.count, 6u);
  EXPECT_DOUBLE_EQ(s.sum, 18.0);
  const std::string text = registry.render();
  EXPECT_NE(text.find("h_bucket{op=\"x\",le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{op=\"x\",le=\"2\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{op=\"x\",le=\"5\"} 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{op=\"x\",le=\"+Inf\"} 6\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_sum{op=\"x\"} 18\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_count{op=\"x\"} 6\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  auto& family = registry.counter("c", "Line one\nback\\slash \"quoted\"", {"path"});
  family.with({"a\\b\"c\nd"}).inc();
  EXPECT_EQ(registry.render(),
            "# HELP c Line one\\nback\\\\slash \"quoted\"\n"
            "# TYPE c counter\n"
            "c{path=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsRegistry, SanitizesNames) {
  EXPECT_EQ(sanitize_metric_name("ragd:http-requests.total"), "ragd:http_requests_total");
  EXPECT_EQ(sanitize_metric_name("9lives"), "_9lives");
  EXPECT_EQ(sanitize_metric_name(""), "_");
  EXPECT_EQ(sanitize_metric_name("a:b", /*label=*/true), "a_b");
  MetricsRegistry registry;
  registry.counter("bad name", "X.", {"bad-label"}).with({"v"}).inc();
  EXPECT_EQ(registry.render(),
            "# HELP bad_name X.\n# TYPE bad_name counter\nbad_name{bad_label=\"v\"} 1\n");
}

TEST(MetricsRegistry, SameNameReturnsSameFamilyAndTypeClashIsDetached) {
  MetricsRegistry registry;
  CounterFamily& first = registry.counter("x_total", "First.", {"a"});
  CounterFamily& again = registry.counter("x_total", "Second.", {"b", "c"});
  EXPECT_EQ(&first, &again);
  EXPECT_EQ(again.label_names(), (std::vector<std::string>{"a"}));
  GaugeFamily& clash = registry.gauge("x_total", "Clash.");
  clash.with().set(5);  // usable, but never rendered
  first.with({"v"}).inc();
  EXPECT_EQ(registry.render(),
            "# HELP x_total First.\n# TYPE x_total counter\nx_total{a=\"v\"} 1\n");
}

TEST(MetricsRegistry, WrongLabelCountIsTolerated) {
  MetricsRegistry registry;
  auto& family = registry.counter("c", "C.", {"a", "b"});
  family.with({"only"}).inc();
  family.with({"1", "2", "3"}).inc();
  EXPECT_EQ(&family.with({"1", "2"}), &family.with({"1", "2", "ignored"}));
  const std::string text = registry.render();
  EXPECT_NE(text.find("c{a=\"only\",b=\"\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("c{a=\"1\",b=\"2\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, CollectHooksRunAtEveryRender) {
  MetricsRegistry registry;
  auto& size = registry.gauge("index_size", "Chunks indexed.");
  int calls = 0;
  registry.on_collect([&] { size.with().set(++calls * 10); });
  registry.on_collect([&registry] { registry.counter("late_total", "Registered by a hook."); });
  registry.on_collect([] { throw 1; });
  EXPECT_NE(registry.render().find("index_size 10\n"), std::string::npos);
  const std::string second = registry.render();
  EXPECT_NE(second.find("index_size 20\n"), std::string::npos) << second;
  EXPECT_NE(second.find("late_total 0\n"), std::string::npos) << second;
}

TEST(MetricsRegistry, ConcurrentUpdatesGiveExactTotals) {
  MetricsRegistry registry;
  auto& counters = registry.counter("ops_total", "Ops.", {"worker"});
  auto& shared = registry.counter("shared_total", "Shared.");
  auto& gauge = registry.gauge("level", "Level.");
  auto& histogram = registry.histogram("lat", "Lat.", {0.5}, {"kind"});
  constexpr int kThreads = 8;
  constexpr int kIterations = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        counters.with({std::to_string(t % 2)}).inc();
        shared.with().inc(0.5);
        gauge.with().add(i % 2 == 0 ? 1 : -1);
        histogram.with({"k"}).observe(i % 2 == 0 ? 0.25 : 1.0);
        if (i % 1000 == 0) (void)registry.render();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counters.with({"0"}).value(), kThreads / 2 * kIterations);
  EXPECT_EQ(counters.with({"1"}).value(), kThreads / 2 * kIterations);
  EXPECT_EQ(shared.with().value(), kThreads * kIterations * 0.5);
  EXPECT_EQ(gauge.with().value(), 0);
  const Histogram::Snapshot s = histogram.with({"k"}).snapshot();
  EXPECT_EQ(s.cumulative,
            (std::vector<uint64_t>{kThreads * kIterations / 2, uint64_t{kThreads} * kIterations}));
  EXPECT_EQ(s.sum, kThreads * kIterations / 2 * 1.25);
}

TEST(MetricsRegistry, CounterIgnoresNegativeAndNaN) {
  Counter c;
  c.inc(2);
  c.inc(-1);
  c.inc(std::nan(""));
  EXPECT_EQ(c.value(), 2);
}

TEST(FormatMetricValue, WritesWhatPrometheusParses) {
  EXPECT_EQ(format_metric_value(0), "0");
  EXPECT_EQ(format_metric_value(-0.0), "0");
  EXPECT_EQ(format_metric_value(42), "42");
  EXPECT_EQ(format_metric_value(-7), "-7");
  EXPECT_EQ(format_metric_value(123456789012), "123456789012");
  EXPECT_EQ(format_metric_value(0.0005), "0.0005");
  EXPECT_EQ(format_metric_value(2.5), "2.5");
  EXPECT_EQ(format_metric_value(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_metric_value(1e21), "1e+21");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
  for (double v : {1e-9, 3.14159, 1.5e300, 9.87654321e15}) {
    EXPECT_EQ(std::stod(format_metric_value(v)), v);
  }
}

TEST(DefaultLatencyBuckets, SpanHalfAMillisecondToThirtySeconds) {
  const std::vector<double> b = default_latency_buckets();
  EXPECT_EQ(b.size(), 16u);
  EXPECT_EQ(b.front(), 0.0005);
  EXPECT_EQ(b.back(), 30);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
}

}  // namespace
}  // namespace ragd::server
