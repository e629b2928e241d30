// Dedupe, throttling, enrichment and response hooks of the alert manager, over floods of
// identical detections; the sink is a recording sink (the thing under test is the manager).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <deque>
#include <map>
#include <numeric>

#include "alert/alert_json.h"
#include "alert/alert_manager.h"
#include "alert/alert_text.h"

namespace wsn {
namespace {

constexpr int64_t kSec = 1'000'000'000;

struct Recorded {
  std::vector<Alert> alerts;
  std::vector<std::string> json;
};

class RecordingSink final : public AlertSink {
 public:
  explicit RecordingSink(Recorded& r) : r_(r) {}
  std::string_view name() const override { return "recording"; }
  bool write(const Alert& alert, std::string_view json) override {
    r_.alerts.push_back(alert);
    r_.json.emplace_back(json);
    return true;
  }

 private:
  Recorded& r_;
};

RuleSet rules(size_t n = 2) {
  RuleSet set;
  for (size_t k = 0; k < n; ++k) {
    RuleMeta m;
    m.id = "r" + std::to_string(k);
    m.name = "Rule " + std::to_string(k);
    m.severity = Severity::kHigh;
    m.tags = {"linux", "attack.execution", "attack.execution", "attack.not_a_tactic"};
    m.mitre = {"T1059.004"};
    set.rules.push_back(m);
  }
  set.generation = 1;
  return set;
}

Event proc(int64_t t, const char* entity, int64_t pid = 100) {
  Event e;
  e.set_timestamp(fields::kTimestamp, t);
  e.set_category(categories::kProcess);
  e.set_string(fields::kHostName, "h1");
  e.set_int(fields::kProcessPid, pid);
  if (entity) e.set_string(fields::kProcessEntityId, entity);
  e.set_string(fields::kProcessName, "sh");
  return e;
}

void detect(AlertManager& m, const RuleSet& set, uint32_t rule, const Event& e) {
  const Event* ev = &e;
  m.on_detection(set, rule, {&ev, 1});
}

uint64_t total_count(const Recorded& r) {
  uint64_t n = 0;
  for (const auto& a : r.alerts) n += a.count;
  return n;
}

struct Fixture {
  FieldRegistry reg;
  Recorded rec;
  std::unique_ptr<AlertManager> m;
  explicit Fixture(AlertManagerOptions o) {
    m = std::make_unique<AlertManager>(reg, o);
    m->add_sink(std::make_unique<RecordingSink>(rec));
  }
};

TEST(AlertDedupe, FloodOfIdenticalDetectionsBecomesTwoAlertsWithTheCount) {
  Fixture f({.dedupe_window_ns = 60 * kSec});
  const RuleSet set = rules();
  for (int64_t k = 0; k < 10000; ++k) detect(*f.m, set, 0, proc(k * 1'000'000, "E1"));  // 10 s
  EXPECT_EQ(f.rec.alerts.size(), 1u) << "the first detection is alerted at once";
  EXPECT_EQ(f.m->stats().deduplicated, 9999u);
  f.m->finish();
  ASSERT_EQ(f.rec.alerts.size(), 2u);
  EXPECT_EQ(f.rec.alerts[0].count, 1u);
  EXPECT_EQ(f.rec.alerts[1].count, 9999u);
  EXPECT_EQ(f.rec.alerts[1].first_time_ns, 1'000'000);
  EXPECT_EQ(f.rec.alerts[1].time_ns, 9999 * 1'000'000LL);
  EXPECT_EQ(f.rec.alerts[1].sequence, 2u);
  EXPECT_EQ(total_count(f.rec), 10000u);
  EXPECT_NE(f.rec.json[1].find(
                R"("alert":{"sequence":2,"count":9999,"first_seen":"1970-01-01T00:00:00.001Z"})"),
            std::string::npos)
      << f.rec.json[1];
}

TEST(AlertDetail, RuleProvidedTitleDetailsAndSeverityReachTheAlertAndTheFollowUp) {
  Fixture f({.dedupe_window_ns = 60 * kSec});
  const RuleSet set = rules();  // rule severity: high
  auto detect_with = [&](int64_t t, std::string_view title, std::string_view details,
                         Severity sev) {
    const Event e = proc(t, "E1");
    const Event* ev = &e;
    MatchDetail d;
    d.has_severity = true;
    d.severity = sev;
    d.title = title;
    d.details = details;
    f.m->on_detection(set, 0, {&ev, 1}, &d);
  };
  detect_with(kSec, "Reverse shell", "bash -i to 10.0.0.1:443", Severity::kCritical);
  detect_with(2 * kSec, "Reverse shell", "nc -e to 10.0.0.2:4444", Severity::kLow);
  detect(*f.m, set, 1, proc(3 * kSec, "E1"));  // no detail: the rule's own words
  f.m->finish();
  ASSERT_EQ(f.rec.alerts.size(), 3u);
  EXPECT_EQ(f.rec.alerts[0].severity, Severity::kCritical);
  EXPECT_EQ(f.rec.alerts[0].title, "Reverse shell");
  EXPECT_NE(f.rec.json[0].find(R"("event":{"kind":"alert","severity":99,"severity_label":)"
                               R"("critical"},"message":"Reverse shell","rule":)"),
            std::string::npos)
      << f.rec.json[0];
  EXPECT_NE(f.rec.json[0].find(R"("count":1,"details":"bash -i to 10.0.0.1:443"})"),
            std::string::npos)
      << f.rec.json[0];
  // Rule 1 had no detail: the rule's severity, no message, no details.
  EXPECT_EQ(f.rec.alerts[1].rule->id, "r1");
  EXPECT_EQ(f.rec.alerts[1].severity, Severity::kHigh);
  EXPECT_EQ(f.rec.json[1].find("\"message\""), std::string::npos);
  EXPECT_EQ(f.rec.json[1].find("\"details\""), std::string::npos);
  // The dedupe follow-up carries the last folded detection's detail.
  EXPECT_EQ(f.rec.alerts[2].count, 1u);
  EXPECT_EQ(f.rec.alerts[2].severity, Severity::kLow);
  EXPECT_EQ(f.rec.alerts[2].details, "nc -e to 10.0.0.2:4444");
  std::string text;
  format_alert_text(f.rec.alerts[0], text);
  EXPECT_NE(text.find(R"(CRITICAL r0 "Rule 0" msg="Reverse shell")"), std::string::npos) << text;
}

TEST(AlertDedupe, WindowsAreKeyedByRuleAndEntityAndCloseOnEventTime) {
  Fixture f({.dedupe_window_ns = 10 * kSec});
  const RuleSet set = rules();
  // Two entities x two rules, 5 detections each within 4 s: 4 first alerts.
  for (int64_t k = 0; k < 5; ++k) {
    for (const char* ent : {"A", "B"}) {
      detect(*f.m, set, 0, proc(k * kSec, ent));
      detect(*f.m, set, 1, proc(k * kSec, ent));
    }
  }
  EXPECT_EQ(f.rec.alerts.size(), 4u);
  // Event time moves past the windows: the next detection closes them first (4 summaries of
  // 4 each), then opens its own window.
  detect(*f.m, set, 0, proc(30 * kSec, "C"));
  ASSERT_EQ(f.rec.alerts.size(), 9u);
  for (size_t k = 4; k < 8; ++k) EXPECT_EQ(f.rec.alerts[k].count, 4u) << k;
  EXPECT_EQ(f.rec.alerts[8].count, 1u);
  EXPECT_EQ(total_count(f.rec), 21u);
  // A detection of the same key after its window is a new first alert.
  detect(*f.m, set, 0, proc(31 * kSec, "A"));
  EXPECT_EQ(f.rec.alerts.back().count, 1u);
  EXPECT_EQ(f.m->open_windows(), 2u);
}

TEST(AlertDedupe, EntityFallsBackToHostAndPid) {
  Fixture f({.dedupe_window_ns = 10 * kSec});
  const RuleSet set = rules();
  for (int k = 0; k < 3; ++k) {
    detect(*f.m, set, 0, proc(k, nullptr, 1));
    detect(*f.m, set, 0, proc(k, nullptr, 2));
  }
  f.m->finish();
  ASSERT_EQ(f.rec.alerts.size(), 4u);  // two pids: first + summary each
  EXPECT_EQ(total_count(f.rec), 6u);
}

TEST(AlertDedupe, BoundedNumberOfOpenWindows) {
  Fixture f({.dedupe_window_ns = 1000 * kSec, .dedupe_max_keys = 8});
  const RuleSet set = rules();
  for (int k = 0; k < 100; ++k) {
    const std::string ent = "E" + std::to_string(k);
    detect(*f.m, set, 0, proc(k, ent.c_str()));
    detect(*f.m, set, 0, proc(k, ent.c_str()));
  }
  EXPECT_LE(f.m->open_windows(), 8u);
  f.m->finish();
  EXPECT_EQ(total_count(f.rec), 200u) << "closing a window early loses no detection";
}

TEST(AlertThrottle, AtMostNAlertsPerRulePerPeriodAndTheRestAreCounted) {
  Fixture f({.throttle_max_alerts = 5, .throttle_period_ns = 60 * kSec});
  const RuleSet set = rules();
  // 1000 detections of distinct processes within 10 s, for rule 0; 3 for rule 1.
  for (int64_t k = 0; k < 1000; ++k) {
    const std::string ent = "P" + std::to_string(k);
    detect(*f.m, set, 0, proc(k * 10'000'000, ent.c_str()));
  }
  for (int k = 0; k < 3; ++k) detect(*f.m, set, 1, proc(k, "Q"));
  size_t r0 = 0, r1 = 0;
  for (const auto& a : f.rec.alerts) (a.rule->id == "r0" ? r0 : r1)++;
  EXPECT_EQ(r0, 5u);
  EXPECT_EQ(r1, 3u) << "throttling is per rule";
  EXPECT_EQ(f.m->stats().throttled, 995u);
  // Next period: the first alert says how many were suppressed before it.
  detect(*f.m, set, 0, proc(100 * kSec, "late"));
  ASSERT_EQ(f.rec.alerts.back().rule->id, "r0");
  EXPECT_EQ(f.rec.alerts.back().suppressed, 995u);
  EXPECT_NE(f.rec.json.back().find("\"suppressed\":995}"), std::string::npos);
  // Sequence numbers stay dense: suppressed alerts take none.
  for (size_t k = 0; k < f.rec.alerts.size(); ++k) EXPECT_EQ(f.rec.alerts[k].sequence, k + 1);
}

TEST(AlertThrottle, DedupeAndThrottleTogetherAccountForEveryDetection) {
  Fixture f(
      {.dedupe_window_ns = 5 * kSec, .throttle_max_alerts = 3, .throttle_period_ns = 60 * kSec});
  const RuleSet set = rules();
  // 10 bursts, 10 s apart; in each, 7 processes are detected 10 times within one second.
  for (int64_t b = 0; b < 10; ++b) {
    for (int64_t j = 0; j < 10; ++j) {
      for (int64_t e = 0; e < 7; ++e) {
        const std::string ent = "E" + std::to_string(e);
        detect(*f.m, set, 0, proc(b * 10 * kSec + j * 100'000'000 + e * 1'000'000, ent.c_str()));
      }
    }
  }
  f.m->finish();
  const AlertStats s = f.m->stats();
  EXPECT_EQ(s.detections, 700u);
  EXPECT_EQ(s.deduplicated, 630u);  // 9 of each burst's 10 per process
  // 70 windows → 70 first alerts + 70 follow-ups = 140 candidates; 3 per 60 s period pass.
  EXPECT_EQ(s.alerts, 6u);
  EXPECT_EQ(s.throttled, 134u);
  EXPECT_EQ(f.rec.alerts.size(), 6u);
  EXPECT_GT(f.rec.alerts[3].suppressed, 0u) << "the first alert of period 2 reports the drops";
  EXPECT_LE(total_count(f.rec), 700u);
}

TEST(AlertManager, OffByDefaultEveryDetectionIsAnAlert) {
  Fixture f({});
  const RuleSet set = rules();
  for (int k = 0; k < 50; ++k) detect(*f.m, set, 0, proc(0, "same"));
  f.m->finish();
  EXPECT_EQ(f.rec.alerts.size(), 50u);
}

// The manager renders each rule's part of the alert once per rule set (write_rule_json): its
// alerts must read as write_alert_json renders them alone, and a reloaded rule set (a new
// generation with an edited description) must show the new text, in and out of a dedupe window.
TEST(AlertManager, RuleJsonRenderedOncePerRuleSetMatchesAndFollowsReloads) {
  Fixture f({.dedupe_window_ns = 60 * kSec});
  RuleSet set = rules();
  set.rules[0].description = "first \"text\"";
  detect(*f.m, set, 0, proc(0, "E1"));
  detect(*f.m, set, 0, proc(kSec, "E1"));  // folded into E1's window
  RuleSet edited = rules();
  edited.generation = 2;
  edited.rules[0].description = "second text";
  detect(*f.m, edited, 0, proc(2 * kSec, "E2"));
  f.m->finish();  // closes E1's window: its last rule is the first set's
  ASSERT_EQ(f.rec.alerts.size(), 3u);
  for (size_t k = 0; k < f.rec.alerts.size(); ++k) {
    std::string alone;
    write_alert_json(f.rec.alerts[k], f.reg, alone);
    EXPECT_EQ(f.rec.json[k], alone) << k;
  }
  EXPECT_NE(f.rec.json[0].find(R"("description":"first \"text\"")"), std::string::npos);
  EXPECT_NE(f.rec.json[1].find(R"("description":"second text")"), std::string::npos);
  EXPECT_EQ(f.rec.json[1].find("first"), std::string::npos);
  EXPECT_NE(f.rec.json[2].find(R"("description":"first \"text\"")"), std::string::npos);
  EXPECT_EQ(f.rec.alerts[2].count, 1u);
}

TEST(AlertManager, AncestryComesFromProcessEventsInStreamOrder) {
  Fixture f({.ancestry_depth = 8});
  const RuleSet set = rules();
  // init(1) → sshd(10) → bash(20) → curl(30), learned from process events.
  auto spawn = [&](int64_t pid, const char* name, int64_t ppid, const char* pname) {
    Event e = proc(pid, ("ent" + std::to_string(pid)).c_str(), pid);
    e.set_string(fields::kProcessName, name);
    e.set_string(fields::kProcessCommandLine, std::string(name) + " -x");
    e.set_int(fields::kProcessParentPid, ppid);
    e.set_string(fields::kProcessParentEntityId, "ent" + std::to_string(ppid));
    e.set_string(fields::kProcessParentName, pname);
    f.m->observe(e);
    return e;
  };
  spawn(10, "sshd", 1, "init");
  spawn(20, "bash", 10, "sshd");
  const Event curl = spawn(30, "curl", 20, "bash");
  detect(*f.m, set, 0, curl);
  ASSERT_EQ(f.rec.alerts.size(), 1u);
  const auto& anc = f.rec.alerts[0].ancestry;
  ASSERT_EQ(anc.size(), 3u);
  EXPECT_EQ(anc[0].name, "bash");
  EXPECT_EQ(anc[0].command_line, "bash -x");
  EXPECT_EQ(anc[1].name, "sshd");
  EXPECT_EQ(anc[2].name, "init");
  EXPECT_EQ(anc[2].pid, 1);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(f.rec.json[0]).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(doc["ancestry"].at(1)["name"]), "sshd");
  EXPECT_EQ(std::string_view(doc["threat"]["tactic"]["name"].at(0)), "Execution");
  EXPECT_EQ(doc["threat"]["tactic"]["name"].get_array().size(), 1u)
      << "deduplicated, unknown dropped";
  EXPECT_EQ(std::string_view(doc["threat"]["technique"]["reference"].at(0)),
            "https://attack.mitre.org/techniques/T1059/004/");
}

TEST(AlertManager, AncestryTableIsBoundedAndCyclesStop) {
  ProcessAncestry table(4);
  for (int k = 0; k < 100; ++k) {
    Event e;
    e.set_category(categories::kProcess);
    e.set_int(fields::kProcessPid, 1000 + k);
    e.set_int(fields::kProcessParentPid, 999 + k);
    table.observe(e);
  }
  EXPECT_LE(table.size(), 4u);
  EXPECT_GT(table.evictions(), 0u);
  // a → b → a: bad data must not loop.
  Event a, b;
  for (Event* e : {&a, &b}) e->set_category(categories::kProcess);
  a.set_int(fields::kProcessPid, 5);
  a.set_int(fields::kProcessParentPid, 6);
  b.set_int(fields::kProcessPid, 6);
  b.set_int(fields::kProcessParentPid, 5);
  table.observe(a);
  table.observe(b);
  std::vector<AncestorInfo> out;
  table.ancestors(a, 64, out);
  EXPECT_LE(out.size(), 2u);
}

// Ended processes are remembered only while among the kMaxExited most recent ends: the table
// follows the live processes, not the host's churn; a recently ended parent is still named.
TEST(AlertManager, AncestryKeepsOnlyTheMostRecentEndedProcesses) {
  ProcessAncestry table(65536);
  auto event = [](int64_t pid, int64_t ppid, const char* type, const std::string& name) {
    Event e;
    e.set_category(categories::kProcess);
    const std::string_view t = type;
    e.set_string_list(fields::kEventType, {&t, 1});
    e.set_int(fields::kProcessPid, pid);
    e.set_int(fields::kProcessParentPid, ppid);
    e.set_string(fields::kProcessName, name);
    return e;
  };
  table.observe(event(1, 0, "start", "init"));  // stays alive throughout
  const int kChurn = 10'000;
  for (int k = 0; k < kChurn; ++k) {
    const int64_t pid = 10 + k;
    table.observe(event(pid, 1, "start", "job" + std::to_string(k)));
    table.observe(event(pid, 1, "end", "job" + std::to_string(k)));
  }
  EXPECT_LE(table.size(), ProcessAncestry::kMaxExited + 1) << "memory follows live processes";
  std::vector<AncestorInfo> out;
  // The child of the last job to end still gets its parent's name; of the first, only the pid
  // its own event carries.
  table.ancestors(event(90000, 10 + kChurn - 1, "start", "child"), 4, out);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].name, "job" + std::to_string(kChurn - 1));
  EXPECT_EQ(out.size(), 2u) << "job → init";
  out.clear();
  table.ancestors(event(90001, 10, "start", "child"), 4, out);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].pid, 10);
  EXPECT_EQ(out[0].name, "") << "forgotten: only the event's own parent pid is known";
}

// The documented behaviour, written the plain way: a map of processes, forgotten first seen
// first; the parent learned from a child's event only fills what is missing.
class ReferenceAncestry {
 public:
  explicit ReferenceAncestry(size_t capacity) : capacity_(capacity) {}
  void observe(int64_t pid, int64_t ppid, const std::string& name, const std::string& pname) {
    Info& p = upsert(ppid);
    if (p.name.empty()) p.name = pname;
    Info& c = upsert(pid);
    c.name = name;
    c.parent = ppid;
  }
  std::vector<std::string> ancestors(int64_t ppid, const std::string& pname, size_t depth) const {
    std::vector<std::string> out;
    std::vector<int64_t> seen;
    for (int64_t k = ppid; out.size() < depth && k != 0;) {
      if (std::find(seen.begin(), seen.end(), k) != seen.end()) break;
      seen.push_back(k);
      auto it = table_.find(k);
      if (it == table_.end()) {
        if (out.empty()) out.push_back(pname);
        break;
      }
      out.push_back(it->second.name);
      k = it->second.parent;
    }
    return out;
  }

 private:
  struct Info {
    std::string name;
    int64_t parent = 0;
  };
  Info& upsert(int64_t pid) {
    if (auto it = table_.find(pid); it != table_.end()) return it->second;
    if (table_.size() >= capacity_) {
      table_.erase(order_.front());
      order_.pop_front();
    }
    order_.push_back(pid);
    return table_[pid];
  }
  size_t capacity_;
  std::map<int64_t, Info> table_;
  std::deque<int64_t> order_;
};

// Random spawns and re-execs over a small pid space keep the table full and evicting: every
// answer must be the reference's, whatever entry (and buffers) an eviction reused.
TEST(AlertManager, AncestryTableMatchesAReferenceUnderChurn) {
  for (size_t capacity : {1u, 3u, 16u, 100u}) {
    ProcessAncestry table(capacity);
    ReferenceAncestry ref(capacity);
    uint64_t rng = 12345 + capacity;
    auto next = [&rng](uint64_t n) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      return (rng >> 33) % n;
    };
    for (int k = 0; k < 5000; ++k) {
      const uint64_t pids = 2 * capacity + 20;  // more processes than room for them
      const auto pid = static_cast<int64_t>(2 + next(pids));
      const auto ppid = static_cast<int64_t>(1 + next(pids + 1));
      if (ppid == pid) continue;
      const std::string name = "p" + std::to_string(next(1000)) + std::string(next(40), 'x');
      const std::string pname = "q" + std::to_string(ppid);
      Event e;
      e.set_category(categories::kProcess);
      e.set_int(fields::kProcessPid, pid);
      e.set_int(fields::kProcessParentPid, ppid);
      e.set_string(fields::kProcessName, name);
      e.set_string(fields::kProcessParentName, pname);
      table.observe(e);
      ref.observe(pid, ppid, name, pname);
      ASSERT_LE(table.size(), capacity);
      std::vector<AncestorInfo> got;
      table.ancestors(e, 6, got);
      std::vector<std::string> names;
      for (const AncestorInfo& a : got) names.push_back(a.name);
      ASSERT_EQ(names, ref.ancestors(ppid, pname, 6)) << "capacity " << capacity << " step " << k;
    }
    EXPECT_GT(table.evictions(), 0u);
  }
}

class CountingHook final : public DetectionHook {
 public:
  void on_detection(const RuleMeta& rule, std::span<const Event* const> events) override {
    ++calls;
    last_rule = rule.id;
    last_events = events.size();
  }
  int calls = 0;
  std::string last_rule;
  size_t last_events = 0;
};

TEST(AlertManager, ActionHookSeesEveryDetectionEvenWhenAlertsAreFolded) {
  Fixture f({.dedupe_window_ns = 60 * kSec, .throttle_max_alerts = 1});
  RuleSet set = rules();
  set.rules[1].actions = {"kill"};
  CountingHook hook;
  f.m->set_detection_hook(&hook);
  for (int k = 0; k < 20; ++k) detect(*f.m, set, 1, proc(k, "E"));
  for (int k = 0; k < 5; ++k) detect(*f.m, set, 0, proc(k, "E"));  // no actions: no call
  EXPECT_EQ(hook.calls, 20);
  EXPECT_EQ(hook.last_rule, "r1");
}

TEST(AlertManager, MetricsCountAlertsPerRuleAndSeverity) {
  metrics::Registry reg;
  Fixture f({.dedupe_window_ns = 60 * kSec});
  f.m->set_metrics(&reg);
  const RuleSet set = rules();
  for (int k = 0; k < 7; ++k) detect(*f.m, set, 0, proc(k, "E"));
  f.m->finish();
  const std::string text = reg.render();
  EXPECT_NE(text.find("wsn_alerts_total{rule=\"r0\",severity=\"high\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("wsn_alerts_deduplicated_total{rule=\"r0\"} 6\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wsn_sink_failures_total{sink=\"recording\"} 0\n"), std::string::npos)
      << text;
}

TEST(AlertText, ModuleTitleAndDetailsCannotForgeLinesOrDriveTheTerminal) {
  Alert a;
  auto r = std::make_shared<RuleMeta>();
  r->id = "w";
  r->name = "W";
  r->severity = Severity::kLow;
  a.rule = r;
  a.severity = a.rule->severity;
  a.title = "t\n1970-01-01T00:00:00.000Z CRITICAL forged \"x\"";
  a.details = "\x1b[2J\r\x7f";
  std::string out;
  format_alert_text(a, out);
  EXPECT_EQ(out,
            "1970-01-01T00:00:00.000Z LOW w \"W\" "
            "msg=\"t\\n1970-01-01T00:00:00.000Z CRITICAL forged \\\"x\\\"\" "
            "details=\"\\x1b[2J\\x0d\\x7f\"");
}

TEST(AlertText, OneLineSummaryEscapesControlCharacters) {
  Alert a;
  auto r = std::make_shared<RuleMeta>();
  r->id = "x.y";
  r->name = "Name";
  r->severity = Severity::kCritical;
  r->mitre = {"T1"};
  a.rule = r;
  a.severity = a.rule->severity;
  a.time_ns = 2 * kSec;
  a.count = 3;
  Event e;
  e.set_string(fields::kHostName, "h");
  e.set_string(fields::kProcessCommandLine, "a\nb\x01\"");
  e.set_int(fields::kProcessPid, 7);
  a.events.push_back(e);
  std::string out;
  format_alert_text(a, out);
  EXPECT_EQ(out,
            "1970-01-01T00:00:02.000Z CRITICAL x.y \"Name\" host=h pid=7 cmd=\"a\\nb\\x01\\\"\" "
            "mitre=T1 count=3");
}

}  // namespace
}  // namespace wsn
