// Metrics registry: counters, gauges and histograms with labels, rendered in the Prometheus
// text exposition format (version 0.0.4) for GET /metrics.
//
// Usage: look a series up once at setup and keep the reference; updating it is one relaxed
// atomic operation, so series may be updated from any thread on the hot path:
//
//   auto& dropped = registry.counter("wsn_events_dropped_total", "Events dropped.",
//                                    {"source", "reason"});
//   metrics::Counter& c = dropped.with({"stdin", "queue_full"});   // setup (takes a lock)
//   c.inc();                                                       // per event (lock-free)
//
// Registering a name again returns the existing family when the type and label names agree,
// so independent components may declare the same metric. A mismatch, an invalid name or a
// wrong number of label values is a programming error: it aborts with a message.
//
// Thread safety: everything is safe to call from any thread. Series references stay valid
// for the registry's lifetime. Collectors run (serialized) at the start of each render().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsn::metrics {

class Counter {
 public:
  void inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  // Mirrors a monotonic count kept elsewhere (e.g. a component's own stats); never lower it.
  void set_total(uint64_t v) { v_.store(v, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void set(double v);
  void add(double d);
  double value() const;

 private:
  std::atomic<uint64_t> bits_{0};  // a double's bit pattern (0 bits == 0.0)
};

class Histogram {
 public:
  // `bounds`: the finite upper bounds of the buckets, strictly increasing; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  // Records `n` observations of value `v` (n > 1: e.g. a batch whose events share a latency).
  void observe(double v, uint64_t n = 1);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // non-cumulative, bounds_.size() + 1
  std::atomic<uint64_t> sum_bits_{0};
  std::atomic<uint64_t> count_{0};
};

enum class Type : uint8_t { kCounter, kGauge, kHistogram };

// The series of one metric name, one per combination of label values.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, Type type, std::vector<std::string> labels);
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  Type type() const { return type_; }
  const std::vector<std::string>& label_names() const { return labels_; }
  void render(std::string& out) const;

 protected:
  void check_arity(size_t n) const;
  virtual void render_series(std::string& out, const std::vector<std::string>& values,
                             const void* series) const = 0;

  std::string name_, help_;
  Type type_;
  std::vector<std::string> labels_;
  mutable std::mutex mu_;
  // Sorted by label values, so the rendering order is stable.
  std::map<std::vector<std::string>, std::shared_ptr<void>> series_;
};

template <typename M>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, Type type, std::vector<std::string> labels,
         std::function<std::shared_ptr<M>()> make)
      : FamilyBase(std::move(name), std::move(help), type, std::move(labels)),
        make_(std::move(make)) {}

  M& with(std::initializer_list<std::string_view> values) {
    return with(std::vector<std::string>(values.begin(), values.end()));
  }
  M& with(std::vector<std::string> values) {
    check_arity(values.size());
    std::lock_guard lock(mu_);
    auto& slot = series_[std::move(values)];
    if (!slot) slot = make_();
    return *static_cast<M*>(slot.get());
  }
  // The series with no labels.
  M& get() { return with(std::vector<std::string>{}); }

 private:
  void render_series(std::string& out, const std::vector<std::string>& values,
                     const void* series) const override;
  std::function<std::shared_ptr<M>()> make_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counter(std::string_view name, std::string_view help,
                           std::vector<std::string> labels = {});
  Family<Gauge>& gauge(std::string_view name, std::string_view help,
                       std::vector<std::string> labels = {});
  // A counter whose total is a real number mirrored from elsewhere (CPU seconds): rendered as a
  // counter, held as a Gauge (set() it to the total; never lower it).
  Family<Gauge>& real_counter(std::string_view name, std::string_view help);
  Family<Histogram>& histogram(std::string_view name, std::string_view help,
                               std::vector<std::string> labels, std::vector<double> bounds);

  // `fn` runs at the start of every render() (serialized), to refresh gauges mirrored from
  // elsewhere: queue depths, process RSS. Returns a handle for remove_collector(); a collector
  // that captures an object must be removed before the object dies.
  uint64_t add_collector(std::function<void()> fn);
  void remove_collector(uint64_t handle);

  // Every family in name order, as Prometheus text (text/plain; version=0.0.4).
  std::string render() const;

 private:
  FamilyBase& add(std::string_view name, Type type, const std::vector<std::string>& labels,
                  const std::function<std::unique_ptr<FamilyBase>()>& make);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<FamilyBase>, std::less<>> families_;
  mutable std::mutex collect_mu_;
  std::map<uint64_t, std::function<void()>> collectors_;
  uint64_t next_collector_ = 1;
};

// Default latency buckets in seconds: 1 µs … 1 s, roughly ×2.5 per step.
std::vector<double> latency_buckets();

// Prometheus text helpers (exposed for tests and for other exporters).
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);
void append_label_value(std::string_view v, std::string& out);  // escapes \ " and newline
void append_sample_value(double v, std::string& out);           // shortest form, +Inf, NaN

}  // namespace wsn::metrics
