// The metrics registry's Prometheus text, checked by an independent parser of the format.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "metrics/metrics.h"
#include "metrics/process_metrics.h"
#include "prometheus_parser.h"

namespace wsn {
namespace {

using test::parse_exposition;

TEST(PrometheusParser, RejectsMalformedExpositions) {
  // The parser must be able to fail, or passing it proves nothing.
  const char* bad[] = {
      "x 1\n",                               // sample before TYPE
      "# TYPE x counter\nx{a=\"b} 1\n",      // unterminated value
      "# TYPE x counter\nx{a=\"\\t\"} 1\n",  // bad escape
      "# TYPE x counter\nx -1\n",            // negative counter
      "# TYPE x counter\nx 1\nx 2\n",        // duplicate series
      "# TYPE 9x gauge\n",                   // bad name
      "# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 4\nh_sum 1\nh_count 4\n",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",  // no +Inf
      "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n",        // not contiguous
      "# TYPE x gauge\nx 1",                                             // no final newline
  };
  for (const char* text : bad) EXPECT_FALSE(parse_exposition(text).errors.empty()) << text;
  EXPECT_TRUE(parse_exposition("# HELP x a\\\\b\n# TYPE x gauge\nx{a=\"q\\\"\\n\\\\\"} +Inf\n")
                  .errors.empty());
}

TEST(MetricsRegistry, RendersValidPrometheusTextWithEscapedLabels) {
  metrics::Registry reg;
  auto& events = reg.counter("wsn_test_events_total", "Events.\nSecond line \\ backslash.",
                             {"source", "reason"});
  events.with({"ebpf", "queue_full"}).inc(5);
  events.with({"we\"ird\\src\nx", "r"}).inc();
  reg.gauge("wsn_test_depth", "Depth.").get().set(2.5);
  auto& h = reg.histogram("wsn_test_latency_seconds", "Latency.", {"stage"}, {0.001, 0.01, 0.1});
  h.with({"match"}).observe(0.0005);
  h.with({"match"}).observe(0.005, 3);
  h.with({"match"}).observe(0.5);
  h.with({"alert"});
  metrics::register_process_metrics(reg);
  const std::string text = reg.render();
  const auto ex = parse_exposition(text);
  ASSERT_TRUE(ex.errors.empty()) << ex.errors.front() << "\n" << text;
  EXPECT_EQ(ex.families.at("wsn_test_events_total").type, "counter");
  EXPECT_EQ(ex.value("wsn_test_events_total", {{"source", "ebpf"}, {"reason", "queue_full"}}), 5);
  EXPECT_EQ(ex.value("wsn_test_events_total", {{"source", "we\"ird\\src\nx"}, {"reason", "r"}}), 1)
      << "label values round-trip through escaping";
  EXPECT_EQ(ex.value("wsn_test_depth"), 2.5);
  EXPECT_EQ(ex.value("wsn_test_latency_seconds_bucket", {{"stage", "match"}, {"le", "0.001"}}), 1);
  EXPECT_EQ(ex.value("wsn_test_latency_seconds_bucket", {{"stage", "match"}, {"le", "0.01"}}), 4);
  EXPECT_EQ(ex.value("wsn_test_latency_seconds_bucket", {{"stage", "match"}, {"le", "+Inf"}}), 5);
  EXPECT_EQ(ex.value("wsn_test_latency_seconds_count", {{"stage", "match"}}), 5);
  EXPECT_NEAR(ex.value("wsn_test_latency_seconds_sum", {{"stage", "match"}}), 0.5155, 1e-9);
  EXPECT_EQ(ex.value("wsn_test_latency_seconds_count", {{"stage", "alert"}}), 0);
  EXPECT_GT(ex.value("process_resident_memory_bytes"), 1e6);
  EXPECT_GT(ex.value("process_open_fds"), 0);
}

// process_cpu_seconds_total keeps its fraction and follows the CPU this process burns (it read 0
// for a whole minute of live collection when it was exported in whole seconds).
TEST(ProcessMetrics, CpuSecondsMoveAfterBurningCpu) {
  metrics::Registry reg;
  metrics::register_process_metrics(reg);
  const auto cpu_seconds = [&reg] {
    const auto ex = parse_exposition(reg.render());
    EXPECT_TRUE(ex.errors.empty());
    EXPECT_EQ(ex.families.at("process_cpu_seconds_total").type, "counter");
    return ex.value("process_cpu_seconds_total");
  };
  const double before = cpu_seconds();
  const double start = metrics::process_cpu_seconds();
  volatile uint64_t sink = 0;
  while (metrics::process_cpu_seconds() - start < 0.3) {
    for (int k = 0; k < 1000000; ++k) sink = sink + static_cast<uint64_t>(k) * 7;
  }
  const double after = cpu_seconds();
  EXPECT_GE(after - before, 0.29) << before << " -> " << after;
  EXPECT_LT(after - before, 5.0);
}

TEST(MetricsRegistry, SameNameTwiceIsTheSameFamilyAndUpdatesAreThreadSafe) {
  metrics::Registry reg;
  auto& a = reg.counter("wsn_test_total", "x", {"k"});
  auto& b = reg.counter("wsn_test_total", "x", {"k"});
  EXPECT_EQ(&a, &b);
  metrics::Counter& c = a.with({"v"});
  auto& hist = reg.histogram("wsn_test_h", "h", {}, metrics::latency_buckets()).get();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 100000; ++k) {
        c.inc();
        hist.observe(1e-5);
      }
    });
  }
  // Scrapes while updating must always be valid.
  for (int k = 0; k < 20; ++k) EXPECT_TRUE(parse_exposition(reg.render()).errors.empty());
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 400000u);
  const auto ex = parse_exposition(reg.render());
  EXPECT_EQ(ex.value("wsn_test_h_count"), 400000);
  EXPECT_NEAR(ex.value("wsn_test_h_sum"), 4.0, 1e-6);
}

TEST(MetricsRegistryDeathTest, MisuseIsAProgrammingError) {
  metrics::Registry reg;
  reg.counter("wsn_x_total", "x", {"a"});
  EXPECT_DEATH(reg.gauge("wsn_x_total", "x", {"a"}), "different type");
  EXPECT_DEATH(reg.counter("bad name", "x"), "invalid metric name");
  EXPECT_DEATH(reg.counter("wsn_x_total", "x", {"a"}).with({"1", "2"}), "label value");
}

}  // namespace
}  // namespace wsn
