// The Elasticsearch EQL dialect (issue 12): data-driven tables of query + events → matches or
// diagnostic. Each row cites the Elasticsearch source it follows (tags as in
// docs/eql-semantics.md, "Elasticsearch dialect"): [REG] EqlFunctionRegistry.java, [CIDRU]
// CIDRUtils.java, [XT] ExpressionTranslators.java, [QF] queryfolder_tests.txt, [TW]
// TumblingWindow.java, [TME] test_missing_events.toml, [TS] test_sample.toml, [SI]
// SampleIterator.java, [TD] test_queries_date.toml, [DFM] DateFieldMapper.java, [PYEQL]
// endgameinc/eql parser.py / eql.g, [SYN] eql-syntax.md.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "eql/compile/compiler.h"
#include "eql/parse.h"
#include "event/json_reader.h"
#include "match/eval.h"

namespace wsn::eql {
namespace {

struct Case {
  const char* name;   // what is checked, with its source
  const char* query;  // Elasticsearch dialect
  // JSON lines; "id" names an event in `expected`; a numeric @timestamp is in epoch
  // milliseconds (as in Elasticsearch's test data).
  std::vector<const char*> events;
  // Matches in order, each the ids of its events: "1,2;3". Empty: no match. A string starting
  // with "EQL" is the expected first diagnostic (its code and message start).
  const char* expected;
};

class Collect : public MatchSink {
 public:
  explicit Collect(FieldId id) : id_(id) {}
  void on_match(uint32_t, std::span<const Event* const> events) override {
    if (!out.empty()) out += ";";
    for (size_t k = 0; k < events.size(); ++k) {
      FieldView v;
      std::string id = "?";
      if (events[k]->get(id_, v)) {
        id = v.type == FieldType::kUInt     ? std::to_string(v.u)
             : v.type == FieldType::kString ? std::string(v.s)
                                            : std::to_string(v.i);
      }
      out += (k ? "," : "") + id;
    }
  }
  std::string out;

 private:
  FieldId id_;
};

// Runs `c` and returns its matches ("1,2;3") or "EQLnnnn: message" of the first error.
std::string run(const Case& c, MatcherStats* stats = nullptr,
                const CompileOptions* options = nullptr) {
  FieldRegistry reg;
  // Fields of the test documents outside the ECS schema, typed as Elasticsearch maps them.
  for (const char* f : {"id", "uptime", "port"}) reg.intern(f, FieldType::kInt);
  reg.intern("bool", FieldType::kBool);
  ReaderOptions ro;
  ro.epoch_unit = EpochUnit::kMillis;
  JsonEventReader reader(reg, ro);
  std::vector<Event> events(c.events.size());
  for (size_t k = 0; k < c.events.size(); ++k) {
    if (!reader.parse(c.events[k], events[k])) {
      return "bad test event " + std::to_string(k) + ": " + std::string(reader.error());
    }
  }
  CompileOptions opt = options != nullptr ? *options : CompileOptions{};  // Elasticsearch dialect
  opt.warn_unknown_fields = false;
  SourceText src("query", c.query);
  Diagnostics diags;
  auto q = compile_eql_query(src, reg, opt, diags);
  if (!q) {
    for (const Diagnostic& d : diags.items()) {
      if (d.severity == DiagSeverity::kError) return d.code + ": " + d.message;
    }
    return "no diagnostic";
  }
  auto matcher = q->rules->make_matcher();
  Collect sink(reg.find("id"));
  for (const Event& e : events) matcher->process(e, sink);
  matcher->finish(sink);
  if (stats != nullptr) *stats = matcher->stats();
  return sink.out;
}

void run_table(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const std::string got = run(c);
    const std::string want = c.expected;
    if (want.starts_with("EQL")) {
      EXPECT_TRUE(got.starts_with(want))
          << c.name << "\n  query: " << c.query << "\n  got: " << got << "\n  want: " << want;
    } else {
      EXPECT_EQ(got, want) << c.name << "\n  query: " << c.query;
    }
  }
}

// ---- 1. function names and `~` ([REG]: normalize() lower-cases; caseAware functions) -------

TEST(EqlElasticDialect, FunctionNamesAreCaseInsensitive_EqlFunctionRegistryNormalize) {
  const std::vector<const char*> ev = {
      R"({"id":1,"event":{"category":"process"},"process":{"name":"Bash"}})",
      R"({"id":2,"event":{"category":"process"},"process":{"name":"zsh"}})"};
  run_table({
      {"[REG] startswith (lower case) resolves", R"(process where startswith(process.name, "B"))",
       ev, "1"},
      {"[REG] STARTSWITH resolves", R"(process where STARTSWITH(process.name, "B"))", ev, "1"},
      {"[REG] startswith~ is case-insensitive", R"(process where startswith~(process.name, "b"))",
       ev, "1"},
      {"[REG] stringcontains~ is case-insensitive",
       R"(process where stringcontains~(process.name, "AS"))", ev, "1"},
      {"[REG] endsWith~ is case-insensitive", R"(process where endsWith~(process.name, "SH"))", ev,
       "1;2"},
      {"[REG] endsWith is case-sensitive", R"(process where endsWith(process.name, "SH"))", ev, ""},
      {"[REG] LENGTH resolves", R"(process where LENGTH(process.name) == 3)", ev, "2"},
      {"[EqlFunctionResolution] ~ on a function that is not case-aware has no effect",
       R"(process where length~(process.name) == 3)", ev, "2"},
      {"[SYN] Endgame-only functions keep their spelling",
       R"(process where WILDCARD(process.name, "b*"))", ev, "EQL2001"},
  });
}

// ---- 2. cidrMatch ([CIDRU] isInRange/encode, [QT] terms query) --------------------------------

TEST(EqlElasticDialect, CidrMatchBareAddressesAndMappedIpv4_CIDRUtils) {
  // The note's example (§2): A 127.0.0.5, B ::1, C ::ffff:127.0.0.1, D 10.1.1.1, E no field.
  const std::vector<const char*> ev = {
      R"({"id":1,"event":{"category":"network"},"destination":{"ip":"127.0.0.5"}})",
      R"({"id":2,"event":{"category":"network"},"destination":{"ip":"::1"}})",
      R"({"id":3,"event":{"category":"network"},"destination":{"ip":"::ffff:127.0.0.1"}})",
      R"({"id":4,"event":{"category":"network"},"destination":{"ip":"10.1.1.1"}})",
      R"({"id":5,"event":{"category":"network"}})"};
  run_table({
      {"[CIDRU] bare ::1 is a /128, IPv4-mapped meets 127.0.0.0/8",
       R"(network where cidrmatch(destination.ip, "127.0.0.0/8", "::1"))", ev, "1;2;3"},
      {"[CIDRU] bare 127.0.0.5 is a /32", R"(network where cidrMatch(destination.ip, "127.0.0.5"))",
       ev, "1"},
      {"[CIDRU] IPv4 falls in ::ffff:0:0/96",
       R"(network where CIDRMATCH(destination.ip, "::ffff:0:0/96"))", ev, "1;3;4"},
      {"[CIDRU] IPv4 never falls in ::1 or FE80::/10 (mixed-case literal)",
       R"(network where cidrmatch(destination.ip, "FE80::/10", "::1"))", ev, "2"},
      {"[XT] not cidrmatch = must_not terms: the event without the field matches",
       R"(network where not cidrmatch(destination.ip, "127.0.0.0/8", "::1"))", ev, "4;5"},
      {"[CIDRU] prefix length out of range is a compile error",
       R"(network where cidrmatch(destination.ip, "10.0.0.0/33"))", ev,
       "EQL2006: '10.0.0.0/33' is not a CIDR block"},
      {"[CIDRU] an unparsable address is a compile error",
       R"(network where cidrmatch(destination.ip, "::1", "300.1.1.1"))", ev,
       "EQL2006: '300.1.1.1' is not a CIDR block"},
  });
}

TEST(EqlElasticDialect, InvalidCidrReportsFileLineColumnAndCaret) {
  FieldRegistry reg;
  CompileOptions opt;
  opt.warn_unknown_fields = false;
  SourceText src("rules/net.eql", "network where\n  cidrmatch(destination.ip, \"::1/129\")");
  Diagnostics diags;
  EXPECT_FALSE(compile_eql_query(src, reg, opt, diags));
  EXPECT_EQ(diags.render(src),
            "rules/net.eql:2:29: error: '::1/129' is not a CIDR block (e.g. 10.0.0.0/8) or an IP "
            "address [EQL2006]\n"
            "    cidrmatch(destination.ip, \"::1/129\")\n"
            "                              ^~~~~~~~~\n");
}

// ---- 3. absent fields: the query-DSL truth ([XT] Nots / NotQuery, [QF] notFilter, scripts) --

// The note's §3.2 events: E1 without file.extension, E2 "sh", E3 "py".
const std::vector<const char*> kAbsent = {
    R"({"id":1,"event":{"category":"process"},"process":{"name":"bash"}})",
    R"({"id":2,"event":{"category":"process"},"process":{"name":"bash"},"file":{"extension":"sh"}})",
    R"({"id":3,"event":{"category":"process"},"process":{"name":"bash"},"file":{"extension":"py"}})"};

TEST(EqlElasticDialect, AbsentFieldsFollowTheQueryDsl_ExpressionTranslatorsNots) {
  run_table({
      {"[XT] f != v is must_not term: absent matches", R"(process where file.extension != "sh")",
       kAbsent, "1;3"},
      {"[XT] not f in (...) is must_not terms",
       R"(process where not file.extension in ("sh", "txt"))", kAbsent, "1;3"},
      {"[XT] f not in (...) is must_not terms",
       R"(process where file.extension not in ("sh", "txt"))", kAbsent, "1;3"},
      {"[XT] not f : pattern is must_not wildcard", R"(process where not file.extension : "s*")",
       kAbsent, "1;3"},
      {"[XT] not f like is must_not wildcard", R"(process where not file.extension like~ "S*")",
       kAbsent, "1;3"},
      {"[XT] not f regex is must_not regexp", R"(process where not file.extension regex "s.")",
       kAbsent, "1;3"},
      {"[OPT ReplaceNullChecks] f == null is must_not exists",
       R"(process where file.extension == null)", kAbsent, "1"},
      {"[OPT ReplaceNullChecks] f != null is exists", R"(process where file.extension != null)",
       kAbsent, "2;3"},
      {"[XT Nots] not (a and b) is must_not bool",
       R"(process where not (file.extension == "sh" and process.name == "bash"))", kAbsent, "1;3"},
      {"[XT Nots] not (a or b) is must_not bool",
       R"(process where not (file.extension == "sh" or file.extension == "txt"))", kAbsent, "1;3"},
      {"[QF notFilter] not f > x is folded to the range f <= x: absent does not match",
       R"(process where not file.extension > "q")", kAbsent, "3"},
      {"[QF notFilter] not f <= x is folded to f > x",
       R"(process where not (file.extension <= "q"))", kAbsent, "2"},
      {"[QF lengthFunction] not length(f) > 2 is a script: null is false",
       R"(process where not length(file.extension) > 2)", kAbsent, "2;3"},
      {"[QT] not startsWith(f, lit) is must_not prefix",
       R"(process where not startsWith(file.extension, "s"))", kAbsent, "1;3"},
      {"[QT CaseInsensitiveScalarFunctions] not endsWith~(f, lit) is must_not wildcard",
       R"(process where not endsWith~(file.extension, "H"))", kAbsent, "1;3"},
      {"[QT] not stringContains(f, lit) is must_not wildcard",
       R"(process where not stringContains(file.extension, "h"))", kAbsent, "1;3"},
      {"[QF substringFunction] not substring(f, 0, 1) == x is a script",
       R"(process where not substring(file.extension, 0, 1) == "s")", kAbsent, "3"},
      {"[QF] length(f) != 2 is a script: null is false",
       R"(process where length(file.extension) != 2)", kAbsent, ""},
      {"[OPT] not not f == v is f == v", R"(process where not not file.extension == "sh")", kAbsent,
       "2"},
  });
}

// The prefilter keys rules on literals a match requires; a must_not conjunct requires none,
// so events without the negated field are still evaluated.
TEST(EqlElasticDialect, PrefilterKeepsEventsThatMatchThroughMustNot) {
  const std::vector<const char*> ev = {
      R"({"id":1,"event":{"category":"process"},"process":{"name":"bash"}})",
      R"({"id":2,"event":{"category":"process"},"process":{"name":"zsh"},"process.args":["-c"]})",
      R"({"id":3,"event":{"category":"process"},"process":{"name":"curl","args":["-o","x"]}})",
      R"({"id":4,"event":{"category":"process"},"process":{"name":"curl"}})"};
  run_table({
      {"[XT] literal conjunct plus must_not on an absent field",
       R"(process where process.name == "curl" and not process.args : "-o")", ev, "4"},
      {"[XT] or of a literal and a must_not: the other branch is no requirement",
       R"(process where process.name == "nc" or not process.name in ("zsh", "curl"))", ev, "1"},
      {"[XT] multi-valued: != holds when no value equals (and when absent)",
       R"(process where process.name == "curl" and process.args != "-o")", ev, "4"},
      {"[XT] not over an or of literals",
       R"(process where not (process.name : "c*" or process.name == "zsh"))", ev, "1"},
  });
}

// The prefilter only skips a rule when a literal its match requires is absent. With must_not
// an event lacking a field can now match, so this differential test runs a rule set through
// the engine (shared prefilter, category index, guards) and compares every decision with a
// direct evaluation of each where-clause on each event.
TEST(EqlElasticDialect, PrefilterAgreesWithDirectEvaluation_MustNot) {
  const std::vector<std::string> queries = {
      R"(process where event.type == "start" and process.name in ("bash", "sh") and not process.parent.executable like ("/usr/bin/*"))",
      R"(process where process.name == "curl" and not process.args : ("-o", "--output"))",
      R"(process where process.name : "python*" or not process.executable : "/usr/*")",
      R"(process where not (process.name == "bash" or process.name == "sh"))",
      R"(process where process.name != "bash" and process.executable != null)",
      R"(process where not process.name in ("bash", "zsh") and event.type == "start")",
      R"(process where not startsWith(process.executable, "/usr/") and process.name : "*sh")",
      R"(process where not process.pid > 100)",
      R"(process where process.name == "bash" and not process.args_count >= 3)",
      R"(network where not cidrmatch(destination.ip, "10.0.0.0/8", "::1") and destination.port == 443)",
      R"(network where destination.port != 443 and not process.name : "curl")",
      R"(any where not event.type == "end")",
  };
  const std::vector<const char*> lines = {
      R"({"event":{"category":"process","type":"start"},"process":{"name":"bash","pid":7}})",
      R"({"event":{"category":"process","type":"start"},"process":{"name":"sh","pid":700,"parent":{"executable":"/usr/bin/make"}}})",
      R"({"event":{"category":"process","type":"start"},"process":{"name":"curl","args":["curl","-o","x"],"executable":"/usr/bin/curl"}})",
      R"({"event":{"category":"process","type":"start"},"process":{"name":"curl","executable":"/tmp/curl"}})",
      R"({"event":{"category":"process","type":"end"},"process":{"name":"python3","args_count":4}})",
      R"({"event":{"category":"process"},"process":{"executable":"/opt/zsh","name":"zsh","args_count":1}})",
      R"({"event":{"category":"process","type":"start"}})",
      R"({"event":{"category":"network"},"destination":{"ip":"10.1.2.3","port":443}})",
      R"({"event":{"category":"network"},"destination":{"ip":"8.8.8.8","port":443}})",
      R"({"event":{"category":"network"},"destination":{"port":443},"process":{"name":"curl"}})",
      R"({"event":{"category":"network"},"destination":{"ip":"::1"}})",
      R"({"event":{"category":"file","type":"end"},"file":{"path":"/x"}})"};
  FieldRegistry reg;
  JsonEventReader reader(reg);
  std::vector<Event> events(lines.size());
  for (size_t k = 0; k < lines.size(); ++k) ASSERT_TRUE(reader.parse(lines[k], events[k])) << k;
  CompileOptions opt;
  opt.warn_unknown_fields = false;
  std::vector<SourceText> texts;
  for (size_t k = 0; k < queries.size(); ++k)
    texts.emplace_back("r" + std::to_string(k), queries[k]);
  std::vector<EqlRuleSource> src;
  for (size_t k = 0; k < texts.size(); ++k) src.push_back({static_cast<uint32_t>(k), &texts[k]});
  std::vector<Diagnostics> diags(texts.size());
  auto rules = compile_eql_rules(src, reg, opt, diags);
  for (size_t k = 0; k < diags.size(); ++k) ASSERT_FALSE(diags[k].has_errors()) << queries[k];
  struct Hits : MatchSink {
    std::set<std::pair<uint32_t, const Event*>> got;
    void on_match(uint32_t rule, std::span<const Event* const> ev) override {
      got.insert({rule, ev[0]});
    }
  } sink;
  auto m = rules->make_matcher();
  for (const Event& e : events) m->process(e, sink);
  // Direct evaluation, without the engine.
  std::set<std::pair<uint32_t, const Event*>> want;
  for (size_t k = 0; k < texts.size(); ++k) {
    Diagnostics d;
    auto parsed = parse_query(texts[k], d);
    ASSERT_TRUE(parsed);
    const EventQuery& q = *parsed->query.event;
    match::Program prog;
    const match::NodeRef root = compile_expression(*q.where, reg, opt, prog, d);
    ASSERT_NE(root, match::kNoNode) << d.render(texts[k]);
    for (const Event& e : events) {
      if (q.category != "any" && reg.find_category(q.category) != e.category()) continue;
      const Event* one = &e;
      match::ScratchArena scratch;
      match::EvalContext ctx;
      ctx.events = &one;
      ctx.event_count = 1;
      ctx.scratch = &scratch;
      if (match::holds(prog, root, ctx)) want.insert({static_cast<uint32_t>(k), &e});
    }
  }
  EXPECT_EQ(sink.got, want);
  EXPECT_GE(want.size(), 15u);  // the table exercises matches, not only misses
}

// ---- 4. optional fields ([SYN] "Optional fields"; no mapping here, so ?f reads like f) -----

TEST(EqlElasticDialect, OptionalFieldsReadLikeFields_SyntaxOptionalFields) {
  run_table({
      {"[SYN] ?f == v", R"(process where ?file.extension == "sh")", kAbsent, "2"},
      {"[SYN] not ?f in (...) is must_not terms (mapped field, per-document absence)",
       R"(process where not ?file.extension in ("sh"))", kAbsent, "1;3"},
      {"[TX optionalMissingField] ?f == null", R"(process where ?file.extension == null)", kAbsent,
       "1"},
      {"[SYN] ?f != null", R"(process where ?file.extension != null)", kAbsent, "2;3"},
  });
  const std::vector<const char*> ev = {
      R"({"id":1,"@timestamp":1,"event":{"category":"process"},"process":{"name":"a"}})",
      R"({"id":2,"@timestamp":2,"event":{"category":"process"},"process":{"name":"b"}})",
      R"({"id":3,"@timestamp":3,"event":{"category":"process"},"user":{"id":"u"}})"};
  run_table({
      {"[SYN Optional by fields] ?k may be null and null keys join",
       "sequence by ?user.id [process where true] [process where true]", ev, "1,2"},
      {"[#78195] a non-optional null key never enters a sequence",
       "sequence by user.id [process where true] [process where true]", ev, ""},
  });
}

// ---- 5. with runs ([SYN] "with runs statement", [PYEQL] parser.py expands runs first) --------

TEST(EqlElasticDialect, RunsExpandBeforeTheTwoStepCheck_PyEqlParser) {
  const std::vector<const char*> ev = {
      R"({"id":1,"@timestamp":1000,"event":{"category":"authentication"},"user":{"name":"a"}})",
      R"({"id":2,"@timestamp":2000,"event":{"category":"authentication"},"user":{"name":"a"}})",
      R"({"id":3,"@timestamp":3000,"event":{"category":"authentication"},"user":{"name":"b"}})",
      R"({"id":4,"@timestamp":4000,"event":{"category":"authentication"},"user":{"name":"a"}})",
      R"({"id":5,"@timestamp":5000,"event":{"category":"authentication"},"user":{"name":"a"}})",
      R"({"id":6,"@timestamp":6000,"event":{"category":"authentication"},"user":{"name":"a"}})"};
  run_table({
      // Each stage query sees every event (ES runs one query per stage), so an event that
      // advances a partial also starts a new one: overlapping matches, as with written-out steps.
      {"[PYEQL] a single step with runs=3 is a three-step sequence",
       "sequence by user.name with maxspan=30s [authentication where true] with runs = 3", ev,
       "1,2,4;2,4,5;4,5,6"},
      {"[SYN] runs copies share maxspan from the first event",
       "sequence by user.name with maxspan=2s [authentication where true] with runs=3", ev,
       "4,5,6"},
      {"[PYEQL] runs=1 alone is still one step", "sequence [authentication where true] with runs=1",
       ev, "EQL1018"},
  });
}

// ---- 7. sample ([EQLDOC] "Samples", [TS] test_sample.toml, [SI] SampleIterator) --------------

// The my-index-00000{1,2,3} documents of [EQLDOC] that the examples below select, in stream
// order (the fields the queries read, plus id).
const std::vector<const char*> kSampleDocs = {
    R"({"id":11,"host":"doom","uptime":0,"port":1234,"os":"win10","missing_keyword":"test"})",
    R"({"id":13,"host":"farcry","uptime":1,"port":1234,"bool":false,"os":"win10"})",
    R"({"id":16,"host":"doom","port":65123,"bool":true,"os":"redhat"})",
    R"({"id":17,"host":"doom","uptime":15,"port":1234,"bool":true,"os":"redhat","missing_keyword":"yyy"})",
    R"({"id":18,"host":"doom","uptime":16,"port":512,"os":"win10","missing_keyword":"test"})",
    R"({"id":110,"host":"farcry","uptime":1,"port":1234,"bool":true,"os":"win10"})",
    R"({"id":23,"host":"farcry","uptime":1,"port":1234,"bool":false,"op_sys":"win10"})",
    R"({"id":26,"host":"doom","port":65123,"bool":true,"op_sys":"redhat"})",
    R"({"id":33,"host":"farcry","bool":true,"os":"win10"})"};

TEST(EqlElasticDialect, SampleOneDistinctEventPerFilter_EqlDocSamples) {
  run_table({
      // [EQLDOC]: doom → 17, 11, 16 (11 has uptime 0: it fills filter 2, not 1); farcry → 13,
      // 110, 33. 13 and 110 cannot fill three filters alone ([SI] backtracking); which events
      // are picked is not defined [TS anyRulesWithOneDifferentNameKey]: a stream reports the
      // first complete sample, here with 23 (my-index-000002) in filter 1.
      {"[EQLDOC] sample by host, three filters",
       "sample by host [any where uptime > 0] [any where port > 100] [any where bool == true]",
       kSampleDocs, "17,11,16;23,13,110"},
      // [EQLDOC] "multiple join keys": per-filter keys on different fields.
      {"[EQLDOC] sample by host with per-filter keys os / op_sys",
       "sample by host [any where uptime > 0] by os [any where port > 100] by op_sys "
       "[any where bool == true] by os",
       kSampleDocs, "13,23,110;17,26,16"},
      {"[EQLDOC] keys only on the filters",
       "sample [any where uptime > 0] by host, os [any where port > 100] by host, op_sys "
       "[any where bool == true] by host, os",
       kSampleDocs, "13,23,110;17,26,16"},
      {"[TS nullValueAsJoinKey] a null non-optional key never forms a sample",
       "sample by missing_keyword [any where missing_keyword == null and id == 110] "
       "[any where uptime > 0]",
       kSampleDocs, ""},
      {"[TS optionalFieldAsKey] an optional key may be null",
       "sample by ?missing_keyword [any where id == 110] [any where id == 33]", kSampleDocs,
       "110,33"},
      {"[SI] two filters may not share one event",
       "sample by host [any where id == 17] [any where bool == true]", kSampleDocs, "17,16"},
      {"[EQLDOC] filters are unordered: a later filter's event may come first",
       "sample by host [any where id == 26] [any where id == 11]", kSampleDocs, "26,11"},
  });
}

TEST(EqlElasticDialect, SampleLimits_SizeAndMaxSamplesPerKey) {
  const char* q = "sample by host [any where port > 0] [any where port > 0]";
  // Default max_samples_per_key = 1: one sample per host.
  EXPECT_EQ(run({"[EQLDOC] max_samples_per_key default 1", q, kSampleDocs, ""}), "16,11;110,13");
  CompileOptions two;
  two.sample.max_samples_per_key = 2;
  EXPECT_EQ(run({"[EQLDOC] max_samples_per_key 2", q, kSampleDocs, ""}, nullptr, &two),
            "16,11;18,17;110,13");  // farcry has no third event with a port
  CompileOptions one;
  one.sample.size = 1;
  EXPECT_EQ(run({"[EQLDOC] size 1", q, kSampleDocs, ""}, nullptr, &one), "16,11");
  // Bounded state: with room for one key tuple the oldest is evicted (and counted): farcry's
  // 13 evicts doom's 11, so doom's sample is 17 with 16, not 11 with 16.
  CompileOptions tight;
  tight.limits.max_join_keys_per_rule = 1;
  MatcherStats stats;
  EXPECT_EQ(run({"bounded keys", "sample by host [any where port > 0] [any where id == 16]",
                 kSampleDocs, ""},
                &stats, &tight),
            "17,16");
  EXPECT_GE(stats.evicted_sequences, 1u);
}

TEST(EqlElasticDialect, SampleDiagnostics_EqlSyntaxSamples) {
  run_table({
      {"[EQLDOC] up to five filters",
       "sample by host [any where true] [any where true] [any where true] [any where true] "
       "[any where true] [any where true]",
       {},
       "EQL1028: a sample has at most five filters"},
      {"[EQLDOC] at least one join key",
       "sample [any where true] [any where true]",
       {},
       "EQL1028: a sample needs join keys"},
      {"[SYN] no maxspan",
       "sample by host with maxspan=1m [any where true] [any where true]",
       {},
       "EQL1028"},
      {"[PYEQL] Negative subquery not permitted in sample",
       "sample by host [any where true] ![any where true]",
       {},
       "EQL1019"},
      {"[SYN] no runs",
       "sample by host [any where true] with runs=2 [any where true]",
       {},
       "EQL1020"},
      {"[SYN] no until",
       "sample by host [any where true] [any where true] until [any where true]",
       {},
       "EQL1028: a sample has no 'until' step"},
      {"[EQLDOC] two filters at least", "sample by host [any where true]", {}, "EQL1018"},
  });
}

// ---- 8. @timestamp with dates ([TD] test_queries_date.toml, [DFM] DateFieldMapper) -----------

TEST(EqlElasticDialect, TimestampComparesWithIsoDatesAndEpochMillis_TestQueriesDate) {
  const std::vector<const char*> ev = {
      R"({"id":1,"@timestamp":"2017-08-30T20:47:32.500Z","event":{"category":"process"}})",
      R"({"id":2,"@timestamp":"2017-08-30T20:47:33.000Z","event":{"category":"process"}})",
      R"({"id":3,"@timestamp":"2017-08-30T20:47:33.999Z","event":{"category":"process"}})",
      R"({"id":4,"@timestamp":"2017-08-30T20:47:34Z","event":{"category":"process"}})",
      // 2018-01-16T15:33:28.349Z
      R"({"id":5,"@timestamp":1516116808349,"event":{"category":"process"}})",
      R"({"id":6,"@timestamp":1516116808350,"event":{"category":"process"}})"};
  run_table({
      {"[TD][DFM] == a second-precision string is the whole second",
       R"(process where @timestamp == "2017-08-30T20:47:33Z")", ev, "2;3"},
      {"[TD] < rounds down", R"(process where @timestamp < "2017-08-30T20:47:33Z")", ev, "1"},
      {"[DFM] <= rounds up", R"(process where @timestamp <= "2017-08-30T20:47:33Z")", ev, "1;2;3"},
      {"[DFM] > rounds up", R"(process where @timestamp > "2017-08-30T20:47:33Z")", ev, "4;5;6"},
      {"[DFM] >= rounds down", R"(process where @timestamp >= "2017-08-30T20:47:33Z")", ev,
       "2;3;4;5;6"},
      {"[DFM] fractions and offsets",
       R"(process where @timestamp == "2017-08-30T22:47:33.999+02:00")", ev, "3"},
      {"[DFM] a date alone is the whole day", R"(process where @timestamp == "2017-08-30")", ev,
       "1;2;3;4"},
      {"[DFM] a month alone", R"(process where @timestamp < "2017-09")", ev, "1;2;3;4"},
      {"[TD] == epoch milliseconds", "process where @timestamp == 1516116808349", ev, "5"},
      {"[TD] > epoch milliseconds", "process where @timestamp > 1516116808349", ev, "6"},
      {"[DFM] epoch milliseconds as a string", R"(process where @timestamp == "1516116808350")", ev,
       "6"},
      {"[XT] != is must_not range", R"(process where @timestamp != "2017-08-30T20:47:33Z")", ev,
       "1;4;5;6"},
      {"[QF notFilter] not > is <=", R"(process where not @timestamp > "2017-08-30T20:47:33Z")", ev,
       "1;2;3"},
      {"[DFM] literal on the left mirrors", R"(process where "2017-08-30T20:47:33Z" < @timestamp)",
       ev, "4;5;6"},
      {"[DFM] other strings are not dates", R"(process where @timestamp == "yesterday")", ev,
       "EQL2005: 'yesterday' is not a date"},
  });
}

// ---- 9. step aliases (Elastic Endpoint: [PYEQL] eql.g sequence_alias, [PA] Linux rules) -----

TEST(EqlElasticDialect, StepAliasesReadEarlierEvents_ElasticEndpointAlias) {
  // The note's §9 example (command_and_control_dns_request_by_recently_created_executable).
  const std::vector<const char*> ev = {
      R"({"id":1,"@timestamp":1000,"event":{"category":"file","type":"creation"},"file":{"path":"/tmp/x"},"process":{"parent":{"entity_id":"P"}}})",
      R"({"id":2,"@timestamp":2000,"event":{"category":"network","action":"lookup_result"},"process":{"executable":"/usr/bin/curl","parent":{"entity_id":"P"}},"dns":{"question":{"name":"evil.example"}}})",
      R"({"id":3,"@timestamp":3000,"event":{"category":"network","action":"lookup_result"},"process":{"executable":"/TMP/x","parent":{"entity_id":"P"}},"dns":{"question":{"name":"evil.example"}}})",
      R"({"id":4,"@timestamp":4000,"event":{"category":"process","type":"start"},"process":{"command_line":"find / -name id_rsa","parent":{"entity_id":"Q"}}})",
      R"({"id":5,"@timestamp":5000,"event":{"category":"process","type":"start"},"process":{"command_line":"find / -name id_rsa","parent":{"entity_id":"Q"}}})",
      R"({"id":6,"@timestamp":6000,"event":{"category":"process","type":"start"},"process":{"command_line":"find / -name .aws","parent":{"entity_id":"Q"}}})",
      R"({"id":7,"@timestamp":7000,"event":{"category":"process","type":"start"},"process":{"command_line":"find / -name .kube","parent":{"entity_id":"Q"}}})"};
  run_table({
      {"[PA] alias read as a function argument; 2 (curl) does not advance the partial",
       "sequence by process.parent.entity_id with maxspan=10s "
       "[file where event.type == \"creation\" and file.path like \"/tmp/*\"] as event0 "
       "[network where event.action == \"lookup_result\" and "
       "startswith~(process.executable, event0.file.path) and dns.question.name != \"localhost\"]",
       ev, "1,3"},
      {"[PA] chained aliases event0 / event1 with negated functions (collection_multi_value_"
       "secret_searching_via_find)",
       "sequence by process.parent.entity_id with maxspan=10s "
       "[process where process.command_line : \"find *\"] as event0 "
       "[process where process.command_line : \"find *\" and "
       "not startswith~(process.command_line, event0.process.command_line)] as event1 "
       "[process where process.command_line : \"find *\" and "
       "not stringcontains(process.command_line, event1.process.command_line) and "
       "process.command_line != event0.process.command_line]",
       // 5 repeats 4's command line, so it does not advance [4]; it starts a partial of its
       // own, which replaces [4] (one partial per stage and key, newest wins [SYN]).
       ev, "5,6,7"},
      {"[PA] an absent alias field is null: the script-evaluated step is false",
       "sequence with maxspan=10s [file where true] as event0 "
       "[network where startswith~(process.executable, event0.file.name)]",
       ev, ""},
      {"[PYEQL] alias after by and runs",
       "sequence [file where true] by process.parent.entity_id as e0 "
       "[network where e0.file.path == \"/tmp/x\"] by process.parent.entity_id",
       ev, "1,2"},
  });
}

TEST(EqlElasticDialect, StepAliasDiagnostics_PyEqlParser) {
  run_table({
      {"a reference to a later step",
       "sequence with maxspan=1s [file where e1.file.path == \"x\"] [file where true] as e1",
       {},
       "EQL2018: 'e1' names a step that is not before this one"},
      {"a reference from a missing-event step",
       "sequence with maxspan=1s [file where true] as e0 ![file where e0.file.path == \"x\"] "
       "[file where true]",
       {},
       "EQL2018"},
      {"[PYEQL] alias on the until step",
       "sequence [file where true] [file where true] until [file where true] as e0",
       {},
       "EQL1020"},
      {"alias names two steps",
       "sequence [file where true] as e0 [file where true] as e0",
       {},
       "EQL1020: alias 'e0' names two steps"},
      {"an aliased step cannot repeat",
       "sequence [file where true] with runs=2 as e0",
       {},
       "EQL1020"},
  });
  FieldRegistry reg;
  CompileOptions endgame;
  endgame.dialect = Dialect::kEndgame;
  SourceText src("q", "sequence [file where true] as e0 [file where e0.pid == 1]");
  Diagnostics diags;
  EXPECT_FALSE(compile_eql_query(src, reg, endgame, diags));
  ASSERT_FALSE(diags.items().empty());
  EXPECT_EQ(diags.items().front().code, "EQL2018") << diags.render(src);
}

// ---- 6. missing events ([TW] doCheckMissingEvents, [TME] test_missing_events.toml) -----------

std::string at(const char* id, const char* ts, const char* tag) {
  return std::string(R"({"id":)") + id + R"(,"@timestamp":")" + ts +
         R"(","event":{"category":"process"},"tag":")" + tag + R"("})";
}

// [TME] missing-events.data, ms: normal@1, normal@2, missing@3, normal@4.
const std::vector<std::string> kMissMs = {
    R"({"id":1,"@timestamp":1,"event":{"category":"process"},"tag":"normal"})",
    R"({"id":2,"@timestamp":2,"event":{"category":"process"},"tag":"normal"})",
    R"({"id":3,"@timestamp":3,"event":{"category":"process"},"tag":"missing"})",
    R"({"id":4,"@timestamp":4,"event":{"category":"process"},"tag":"normal"})"};
// [TME leadingSimple] data: missing 12:00, normal 12:10, missing 12:20, normal 12:21, 12:29, 12:31.
const std::vector<std::string> kMissMin = {
    at("1", "2023-01-01T12:00:00Z", "missing"), at("2", "2023-01-01T12:10:00Z", "normal"),
    at("3", "2023-01-01T12:20:00Z", "missing"), at("4", "2023-01-01T12:21:00Z", "normal"),
    at("5", "2023-01-01T12:29:00Z", "normal"),  at("6", "2023-01-01T12:31:00Z", "normal")};

std::vector<const char*> ptrs(const std::vector<std::string>& v) {
  std::vector<const char*> out;
  for (const std::string& s : v) out.push_back(s.c_str());
  return out;
}

TEST(EqlElasticDialect, MissingEventsFollowTumblingWindow_TestMissingEvents) {
  const auto ms = ptrs(kMissMs);
  const auto min = ptrs(kMissMin);
  run_table({
      {"[TME missingInBetween_match] middle: missing@3 discards [2,4]",
       R"(sequence with maxspan=1s [process where tag == "normal"] ![process where tag == "missing"] [process where tag == "normal"])",
       ms, "1,2"},
      {"[TME positivePlusMissing] trailing: 1 and 2 are followed by missing@3 within 1s",
       R"(sequence with maxspan=1s [process where tag == "normal"] ![process where tag == "missing"])",
       ms, "4"},
      {"[TME leadingSimple] leading: 4 has a missing event 1m before (maxspan 3m)",
       R"(sequence with maxspan=3m ![process where tag == "missing"] [process where tag == "normal"])",
       min, "2;5;6"},
      {"[TME leadingAndTrailingExcluded1] leading+trailing are joint: 12:00→12:20 is 20m > 19m",
       R"(sequence with maxspan=19m ![process where tag == "missing"] [process where tag == "normal"] ![process where tag == "missing"])",
       min, "2;4;5;6"},
      {"[TME leadingAndTrailingExcluded2] with 21m the pair around 2 discards it",
       R"(sequence with maxspan=21m ![process where tag == "missing"] [process where tag == "normal"] ![process where tag == "missing"])",
       min, "4;5;6"},
      {"[TW] leading window runs to the last event: 12:20 is 9m before 12:29 (maxspan 10m)",
       R"(sequence with maxspan=10m ![process where tag == "missing"] [process where tag == "normal"] [process where tag == "normal"])",
       min, "5,6"},
      {"[SYN Missing events] maxspan is required with any missing step",
       R"(sequence [process where true] ![process where true] [process where true])", ms,
       "EQL1019: a sequence with missing-event steps needs 'with maxspan=...'"},
  });
  // The middle window is exclusive of the positive events' times [TW]: a missing event at the
  // first event's time does not discard.
  const std::vector<const char*> same = {
      R"({"id":1,"@timestamp":5,"event":{"category":"process"},"tag":"normal"})",
      R"({"id":2,"@timestamp":5,"event":{"category":"process"},"tag":"missing"})",
      R"({"id":3,"@timestamp":6,"event":{"category":"process"},"tag":"normal"})"};
  run_table(
      {{"[TW] middle range (ts(p), ts(n)) is exclusive",
        R"(sequence with maxspan=1s [process where tag == "normal"] ![process where tag == "missing"] [process where tag == "normal"])",
        same, "1,3"}});
  // Keys: a missing step matches on its own `by` fields [TME withByKey3].
  const std::vector<const char*> keyed = {
      R"({"id":1,"@timestamp":1,"event":{"category":"process"},"tag":"normal","k1":"a"})",
      R"({"id":2,"@timestamp":2,"event":{"category":"process"},"tag":"missing","k2":"b"})",
      R"({"id":3,"@timestamp":3,"event":{"category":"process"},"tag":"normal","k1":"a"})",
      R"({"id":4,"@timestamp":4,"event":{"category":"process"},"tag":"normal","k1":"b"})",
      R"({"id":5,"@timestamp":5,"event":{"category":"process"},"tag":"missing","k2":"b"})",
      R"({"id":6,"@timestamp":6,"event":{"category":"process"},"tag":"normal","k1":"b"})"};
  run_table(
      {{"[TME withByKey3] the missing step's key is its own by field",
        R"(sequence with maxspan=1s [process where tag == "normal"] by k1 ![process where tag == "missing"] by k2 [process where tag == "normal"] by k1)",
        keyed, "1,3"}});
}

// A trailing missing step holds a match until first event + maxspan has passed on the event
// clock (never the wall clock), then reports it; at the end of input it is flushed, as
// Elasticsearch accepts a candidate when no trailing event exists (issue #145323).
TEST(EqlElasticDialect, TrailingMissingStepHoldsUntilMaxspanOnEventTime_Issue145323) {
  FieldRegistry reg;
  ReaderOptions ro;
  ro.epoch_unit = EpochUnit::kMillis;
  JsonEventReader reader(reg, ro);
  CompileOptions opt;
  opt.warn_unknown_fields = false;
  SourceText src(
      "q",
      R"(sequence with maxspan=1s [process where tag == "normal"] ![process where tag == "missing"])");
  Diagnostics diags;
  auto q = compile_eql_query(src, reg, opt, diags);
  ASSERT_TRUE(q) << diags.render(src);
  auto m = q->rules->make_matcher();
  Collect sink(reg.intern("id", FieldType::kInt));
  auto feed = [&](const char* line) {
    Event e;
    ASSERT_TRUE(reader.parse(line, e)) << reader.error();
    m->process(e, sink);
  };
  feed(R"({"id":1,"@timestamp":1000,"event":{"category":"process"},"tag":"normal"})");
  EXPECT_EQ(sink.out, "");  // held
  feed(R"({"id":2,"@timestamp":2000,"event":{"category":"process"},"tag":"other"})");
  EXPECT_EQ(sink.out, "");  // 1000 + 1s is not yet passed (maxspan is inclusive)
  feed(R"({"id":3,"@timestamp":2001,"event":{"category":"process"},"tag":"normal"})");
  EXPECT_EQ(sink.out, "1");  // passed: reported before 3 is matched
  feed(R"({"id":4,"@timestamp":2500,"event":{"category":"process"},"tag":"missing"})");
  feed(R"({"id":5,"@timestamp":2600,"event":{"category":"process"},"tag":"normal"})");
  m->finish(sink);
  EXPECT_EQ(sink.out, "1;5");  // 3 was discarded by 4; 5 is flushed at the end of input
}

}  // namespace
}  // namespace wsn::eql
