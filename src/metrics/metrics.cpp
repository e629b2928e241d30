#include "metrics/metrics.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace wsn::metrics {
namespace {

[[noreturn]] void misuse(const std::string& what) {
  std::fprintf(stderr, "wasm-sentinel: metrics registry misuse: %s\n", what.c_str());
  std::abort();
}

double from_bits(uint64_t b) {
  return std::bit_cast<double>(b);
}
uint64_t to_bits(double d) {
  return std::bit_cast<uint64_t>(d);
}

void atomic_add_double(std::atomic<uint64_t>& bits, double d) {
  uint64_t cur = bits.load(std::memory_order_relaxed);
  while (!bits.compare_exchange_weak(cur, to_bits(from_bits(cur) + d), std::memory_order_relaxed)) {
  }
}

void append_help(std::string_view help, std::string& out) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// name{l1="v1",l2="v2"[,extra_name="extra_value"]} value\n
void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const std::vector<std::string>& label_names,
                   const std::vector<std::string>& values, std::string_view extra_name,
                   std::string_view extra_value, double v) {
  out += name;
  out += suffix;
  if (!values.empty() || !extra_name.empty()) {
    out += '{';
    for (size_t k = 0; k < values.size(); ++k) {
      if (k) out += ',';
      out += label_names[k];
      out += "=\"";
      append_label_value(values[k], out);
      out += '"';
    }
    if (!extra_name.empty()) {
      if (!values.empty()) out += ',';
      out += extra_name;
      out += "=\"";
      out += extra_value;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  append_sample_value(v, out);
  out += '\n';
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t k = 0; k < name.size(); ++k) {
    const char c = name[k];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(k > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (size_t k = 0; k < name.size(); ++k) {
    const char c = name[k];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(k > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void append_label_value(std::string_view v, std::string& out) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_sample_value(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

void Gauge::set(double v) {
  bits_.store(to_bits(v), std::memory_order_relaxed);
}
void Gauge::add(double d) {
  atomic_add_double(bits_, d);
}
double Gauge::value() const {
  return from_bits(bits_.load(std::memory_order_relaxed));
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t k = 0; k < bounds_.size(); ++k) {
    if (!std::isfinite(bounds_[k]) || (k > 0 && !(bounds_[k] > bounds_[k - 1]))) {
      misuse("histogram bounds must be finite and strictly increasing");
    }
  }
}

void Histogram::observe(double v, uint64_t n) {
  if (n == 0) return;
  // Buckets are few (~15): a linear scan beats a binary search here.
  size_t k = 0;
  while (k < bounds_.size() && v > bounds_[k]) ++k;
  buckets_[k].fetch_add(n, std::memory_order_relaxed);
  atomic_add_double(sum_bits_, v * static_cast<double>(n));
  count_.fetch_add(n, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (size_t k = 0; k <= bounds_.size(); ++k) {
    running += buckets_[k].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // Read independently of the buckets: report the bucket total as the count so that the
  // +Inf bucket and _count always agree, as the format requires.
  s.count = running;
  s.sum = from_bits(sum_bits_.load(std::memory_order_relaxed));
  return s;
}

FamilyBase::FamilyBase(std::string name, std::string help, Type type,
                       std::vector<std::string> labels)
    : name_(std::move(name)), help_(std::move(help)), type_(type), labels_(std::move(labels)) {}

void FamilyBase::check_arity(size_t n) const {
  if (n != labels_.size()) {
    misuse(name_ + ": expected " + std::to_string(labels_.size()) + " label value(s), got " +
           std::to_string(n));
  }
}

void FamilyBase::render(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_help(help_, out);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name(type_);
  out += '\n';
  std::lock_guard lock(mu_);
  for (const auto& [values, series] : series_) render_series(out, values, series.get());
}

template <>
void Family<Counter>::render_series(std::string& out, const std::vector<std::string>& values,
                                    const void* series) const {
  const auto& c = *static_cast<const Counter*>(series);
  append_sample(out, name_, "", labels_, values, "", "", static_cast<double>(c.value()));
}

template <>
void Family<Gauge>::render_series(std::string& out, const std::vector<std::string>& values,
                                  const void* series) const {
  const auto& g = *static_cast<const Gauge*>(series);
  append_sample(out, name_, "", labels_, values, "", "", g.value());
}

template <>
void Family<Histogram>::render_series(std::string& out, const std::vector<std::string>& values,
                                      const void* series) const {
  const Histogram::Snapshot s = static_cast<const Histogram*>(series)->snapshot();
  std::string le;
  for (size_t k = 0; k < s.bounds.size(); ++k) {
    le.clear();
    append_sample_value(s.bounds[k], le);
    append_sample(out, name_, "_bucket", labels_, values, "le", le,
                  static_cast<double>(s.cumulative[k]));
  }
  append_sample(out, name_, "_bucket", labels_, values, "le", "+Inf", static_cast<double>(s.count));
  append_sample(out, name_, "_sum", labels_, values, "", "", s.sum);
  append_sample(out, name_, "_count", labels_, values, "", "", static_cast<double>(s.count));
}

FamilyBase& Registry::add(std::string_view name, Type type, const std::vector<std::string>& labels,
                          const std::function<std::unique_ptr<FamilyBase>()>& make) {
  if (!valid_metric_name(name)) misuse("invalid metric name '" + std::string(name) + "'");
  for (const auto& l : labels) {
    if (!valid_label_name(l) || (type == Type::kHistogram && l == "le")) {
      misuse(std::string(name) + ": invalid label name '" + l + "'");
    }
  }
  std::lock_guard lock(mu_);
  if (auto it = families_.find(name); it != families_.end()) {
    if (it->second->type() != type || it->second->label_names() != labels) {
      misuse(std::string(name) + " registered twice with a different type or labels");
    }
    return *it->second;
  }
  auto family = make();
  FamilyBase& ref = *family;
  families_.emplace(std::string(name), std::move(family));
  return ref;
}

Family<Counter>& Registry::counter(std::string_view name, std::string_view help,
                                   std::vector<std::string> labels) {
  auto& f = add(name, Type::kCounter, labels, [&] {
    return std::make_unique<Family<Counter>>(std::string(name), std::string(help), Type::kCounter,
                                             labels, [] { return std::make_shared<Counter>(); });
  });
  auto& fam = static_cast<Family<Counter>&>(f);
  if (labels.empty()) fam.get();  // an unlabelled metric shows 0 before its first update
  return fam;
}

Family<Gauge>& Registry::gauge(std::string_view name, std::string_view help,
                               std::vector<std::string> labels) {
  auto& f = add(name, Type::kGauge, labels, [&] {
    return std::make_unique<Family<Gauge>>(std::string(name), std::string(help), Type::kGauge,
                                           labels, [] { return std::make_shared<Gauge>(); });
  });
  auto& fam = static_cast<Family<Gauge>&>(f);
  if (labels.empty()) fam.get();
  return fam;
}

Family<Gauge>& Registry::real_counter(std::string_view name, std::string_view help) {
  auto& f = add(name, Type::kCounter, {}, [&] {
    return std::make_unique<Family<Gauge>>(std::string(name), std::string(help), Type::kCounter,
                                           std::vector<std::string>{},
                                           [] { return std::make_shared<Gauge>(); });
  });
  auto& fam = static_cast<Family<Gauge>&>(f);
  fam.get();
  return fam;
}

Family<Histogram>& Registry::histogram(std::string_view name, std::string_view help,
                                       std::vector<std::string> labels,
                                       std::vector<double> bounds) {
  auto& f = add(name, Type::kHistogram, labels, [&] {
    return std::make_unique<Family<Histogram>>(
        std::string(name), std::string(help), Type::kHistogram, labels,
        [bounds] { return std::make_shared<Histogram>(bounds); });
  });
  auto& fam = static_cast<Family<Histogram>&>(f);
  if (labels.empty()) fam.get();
  return fam;
}

uint64_t Registry::add_collector(std::function<void()> fn) {
  std::lock_guard lock(collect_mu_);
  const uint64_t h = next_collector_++;
  collectors_.emplace(h, std::move(fn));
  return h;
}

void Registry::remove_collector(uint64_t handle) {
  std::lock_guard lock(collect_mu_);
  collectors_.erase(handle);
}

std::string Registry::render() const {
  {
    std::lock_guard lock(collect_mu_);
    for (const auto& [h, fn] : collectors_) fn();
  }
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) family->render(out);
  return out;
}

std::vector<double> latency_buckets() {
  return {1e-6,   2.5e-6, 5e-6, 1e-5,   2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3,
          2.5e-3, 5e-3,   1e-2, 2.5e-2, 5e-2,   0.1,  0.25, 0.5,    1.0};
}

}  // namespace wsn::metrics
