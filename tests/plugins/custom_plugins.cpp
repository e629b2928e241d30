#include "custom_plugins.h"

#include <atomic>
#include <memory>

#include "wsn/event.h"

namespace wsn::plugin_test {
namespace {

// ---- source "ticker" --------------------------------------------------------------------

struct TickerConfig final : PluginConfig {
  uint64_t count = 0;
  std::string name = "evil";
};

class TickerSource final : public EventSource {
 public:
  explicit TickerSource(TickerConfig c) : c_(std::move(c)) {}
  std::string_view name() const override { return "ticker"; }
  bool live() const override { return true; }  // stands for this host's own activity
  Status run(EventWriter& out) override {
    for (uint64_t k = 1; k <= c_.count && !stop_.load(); ++k) {
      Event& e = out.next();
      e.set_timestamp(fields::kTimestamp, static_cast<int64_t>(k) * 1'000'000'000);
      const std::string_view category = "process";
      e.set_string_list(fields::kEventCategory, {&category, 1});
      e.set_category(categories::kProcess);
      e.set_string(fields::kEventAction, "exec");
      e.set_int(fields::kProcessPid, static_cast<int64_t>(k));
      e.set_string(fields::kProcessName, k % 3 == 0 ? std::string_view(c_.name) : "idle");
      out.commit();
      events_.fetch_add(1);
    }
    out.flush();
    return {};
  }
  void stop() override { stop_.store(true); }
  SourceStats stats() const override { return {.events = events_.load()}; }

 private:
  TickerConfig c_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> events_{0};
};

// ---- rule kind "procname" ---------------------------------------------------------------

class ProcNameRules final : public CompiledRules {
 public:
  ProcNameRules(std::vector<std::string> names, std::vector<uint32_t> indices)
      : names_(std::move(names)), indices_(std::move(indices)) {}
  std::unique_ptr<Matcher> make_matcher() const override { return std::make_unique<M>(*this); }

 private:
  struct M final : Matcher {
    explicit M(const ProcNameRules& r) : rules(r) {}
    void process(const Event& e, MatchSink& sink) override {
      FieldView v;
      if (!e.get(fields::kProcessName, v)) return;
      for (size_t k = 0; k < rules.names_.size(); ++k) {
        ++st.evaluations;
        if (v.s == rules.names_[k]) {
          const Event* ev = &e;
          sink.on_match(rules.indices_[k], {&ev, 1});
        }
      }
    }
    MatcherStats stats() const override { return st; }
    const ProcNameRules& rules;
    MatcherStats st;
  };
  std::vector<std::string> names_;
  std::vector<uint32_t> indices_;
};

class ProcNameKind final : public RuleKind {
 public:
  std::shared_ptr<const CompiledRules> compile(std::span<const RuleSource* const> rules,
                                               std::span<const uint32_t> indices, FieldRegistry&,
                                               RuleReport& report) override {
    std::vector<std::string> names;
    std::vector<uint32_t> idx;
    for (size_t k = 0; k < rules.size(); ++k) {
      std::string n = rules[k]->body->text();
      while (!n.empty() && (n.back() == '\n' || n.back() == ' ')) n.pop_back();
      if (n.find('/') != std::string::npos) {
        Diagnostic d;
        d.code = "PROC001";
        d.message = "a process name has no '/'";
        d.range = {0, static_cast<uint32_t>(n.size())};
        report.add(std::move(d), rules[k]->body);
        report.failed.push_back(indices[k]);
        continue;
      }
      names.push_back(n);
      idx.push_back(indices[k]);
    }
    return std::make_shared<ProcNameRules>(std::move(names), std::move(idx));
  }
};

// ---- sink "memory" ----------------------------------------------------------------------

struct MemoryConfig final : PluginConfig {
  std::string tag;
};

class MemorySink final : public AlertSink {
 public:
  MemorySink(std::string tag, Observations& seen) : tag_(std::move(tag)), seen_(seen) {}
  std::string_view name() const override { return "memory"; }
  bool write(const Alert& alert, std::string_view) override {
    FieldView v;
    std::string name;
    if (!alert.events.empty() && alert.events.back().get(fields::kProcessName, v)) {
      name = std::string(v.s);
    }
    std::lock_guard lock(seen_.mu);
    seen_.alerts.push_back(tag_ + ":" + alert.rule->id + ":" + name);
    return true;
  }

 private:
  std::string tag_;
  Observations& seen_;
};

// ---- action "mark" ----------------------------------------------------------------------

struct MarkConfig final : PluginConfig {
  std::string label = "marked";
};

class MarkAction final : public ResponseAction {
 public:
  MarkAction(std::string label, Observations& seen) : label_(std::move(label)), seen_(seen) {}
  std::string_view name() const override { return "mark"; }
  std::vector<std::string> results() const override { return {"marked", "dry_run"}; }
  ActionOutcome run(const RuleMeta& rule, std::span<const Event* const> events,
                    bool dry_run) override {
    FieldView v;
    const int64_t pid = events.back()->get(fields::kProcessPid, v) ? v.i : 0;
    {
      std::lock_guard lock(seen_.mu);
      seen_.actions.push_back(label_ + ":" + rule.id + ":" + std::to_string(pid) + ":" +
                              (dry_run ? "dry" : "live"));
    }
    return {.result = dry_run ? "dry_run" : "marked",
            .detail = "",
            .target = {{"pid", std::to_string(pid), true}}};
  }

 private:
  std::string label_;
  Observations& seen_;
};

}  // namespace

void add_test_plugins(PluginRegistry& registry, Observations& seen) {
  SourcePlugin source;
  source.name = "ticker";
  source.summary = "test: numbered process events";
  source.configure = [](ConfigSection& s) {
    auto c = std::make_shared<TickerConfig>();
    s.known_keys({"count", "name"});
    s.read_uint("count", c->count, 1, 1'000'000);
    s.read_string("name", c->name);
    return c;
  };
  source.enabled = [](const PluginConfig& c) {
    return static_cast<const TickerConfig&>(c).count > 0;
  };
  source.create = [](const PluginConfig& c,
                     SourceContext&) -> Result<std::unique_ptr<EventSource>> {
    return std::unique_ptr<EventSource>(
        std::make_unique<TickerSource>(static_cast<const TickerConfig&>(c)));
  };
  source.filled_fields = [] {
    return std::vector<std::string>{"@timestamp", "event.action", "process.pid", "process.name"};
  };
  registry.add(std::move(source));

  RuleKindPlugin kind;
  kind.name = "procname";
  kind.summary = "test: process name equals the body";
  kind.body_key = "name_is";
  kind.create = [] { return std::unique_ptr<RuleKind>(std::make_unique<ProcNameKind>()); };
  registry.add(std::move(kind));

  SinkPlugin sink;
  sink.name = "memory";
  sink.summary = "test: alerts kept in memory";
  sink.configure = [](ConfigSection& s) {
    auto c = std::make_shared<MemoryConfig>();
    s.known_keys({"tag"});
    if (s.read_string("tag", c->tag) && c->tag.empty()) s.error("tag", "must not be empty");
    return c;
  };
  sink.create = [&seen](const PluginConfig& c, SinkContext&) -> Result<std::unique_ptr<AlertSink>> {
    const auto& mc = static_cast<const MemoryConfig&>(c);
    if (mc.tag.empty()) return std::unique_ptr<AlertSink>();  // not configured: off
    return std::unique_ptr<AlertSink>(std::make_unique<MemorySink>(mc.tag, seen));
  };
  registry.add(std::move(sink));

  ActionPlugin action;
  action.name = "mark";
  action.summary = "test: remembers each detection it ran for";
  action.configure = [](ConfigSection& s) {
    auto c = std::make_shared<MarkConfig>();
    s.known_keys({"label"});
    s.read_string("label", c->label);
    return c;
  };
  action.create = [&seen](const PluginConfig& c,
                          ActionContext&) -> Result<std::unique_ptr<ResponseAction>> {
    return std::unique_ptr<ResponseAction>(
        std::make_unique<MarkAction>(static_cast<const MarkConfig&>(c).label, seen));
  };
  registry.add(std::move(action));
}

}  // namespace wsn::plugin_test
