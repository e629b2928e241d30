// Runs every query of the Endgame EQL conformance suite (test_queries.toml) over test_data.json
// exactly as the reference harness does (see WSN_SHARED_DIR/conformance/README.md): events in
// file order, Endgame dialect, case-insensitive unless a query is flagged case_sensitive (those
// only need to compile), results flattened to serial_event_id in match order.
//
// Known failures are listed, with reasons, in docs/eql-semantics.md ("- conformance #N: ...");
// any other failing query fails this test.
#include <gtest/gtest.h>

#include <cpptoml.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "endgame_data.h"
#include "eql/compile/compiler.h"

namespace wsn::eql {
namespace {

const std::string kDir = std::string(WSN_SHARED_DIR) + "/conformance/eql-endgame/";

class Collect : public MatchSink {
 public:
  void on_match(uint32_t, std::span<const Event* const> events) override {
    match::PipeResult r;
    for (const Event* e : events) r.events.push_back(std::make_shared<const Event>(*e));
    results.push_back(std::move(r));
  }
  std::vector<match::PipeResult> results;
};

std::set<int> known_failures() {
  std::ifstream in(std::string(WSN_SOURCE_DIR) + "/docs/eql-semantics.md");
  std::set<int> out;
  std::string line;
  const std::regex re(R"(^- conformance #(\d+):)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, re)) out.insert(std::stoi(m[1]));
  }
  return out;
}

struct Outcome {
  bool compiled = false;
  std::string errors;
  std::vector<int64_t> ids;
};

Outcome run(const std::string& query, bool case_sensitive, FieldRegistry& reg,
            const std::vector<Event>& events) {
  Outcome o;
  CompileOptions opt;
  opt.dialect = Dialect::kEndgame;
  opt.case_sensitive = case_sensitive;
  opt.warn_unknown_fields = false;
  SourceText src("query", query);
  Diagnostics diags;
  auto q = compile_eql_query(src, reg, opt, diags);
  if (!q) {
    o.errors = diags.render(src);
    return o;
  }
  o.compiled = true;
  auto matcher = q->rules->make_matcher();
  Collect sink;
  for (const Event& e : events) matcher->process(e, sink);
  matcher->finish(sink);
  const FieldId serial = reg.find("serial_event_id");
  for (const match::PipeResult& r : match::run_pipes(*q->pipes, std::move(sink.results))) {
    for (const auto& e : r.events) {
      FieldView v;
      o.ids.push_back(e->get(serial, v) ? v.i : -1);
    }
  }
  return o;
}

std::string ids_text(const std::vector<int64_t>& ids) {
  std::string s = "[";
  for (size_t k = 0; k < ids.size(); ++k) s += (k ? ", " : "") + std::to_string(ids[k]);
  return s + "]";
}

TEST(EqlConformance, EndgameQueries) {
  FieldRegistry reg;
  const auto data = wsn::testing::load_endgame_data(kDir + "test_data.json", reg);
  ASSERT_TRUE(data.error.empty()) << data.error;
  ASSERT_EQ(data.events.size(), 102u);
  std::shared_ptr<cpptoml::table> root;
  ASSERT_NO_THROW(root = cpptoml::parse_file(kDir + "test_queries.toml"));
  const auto queries = root->get_table_array("queries");
  ASSERT_TRUE(queries);
  const std::set<int> known = known_failures();
  int total = 0;
  int passing = 0;
  std::vector<std::string> unexpected;
  std::vector<int> fixed;
  for (const auto& q : *queries) {
    ++total;
    const std::string text = *q->get_as<std::string>("query");
    const bool cs_only = q->get_as<bool>("case_sensitive").value_or(false);
    std::vector<int64_t> expected;
    if (auto arr = q->get_array_of<int64_t>("expected_event_ids")) expected = *arr;
    const Outcome o = run(text, cs_only, reg, data.events);
    bool ok = false;
    std::string why;
    if (!o.compiled) {
      why = "does not compile:\n" + o.errors;
    } else if (cs_only) {
      ok = true;  // case-sensitive queries only need to parse and compile
      if (o.ids != expected) {
        std::printf("note: case-sensitive #%d differs: got %s, expected %s\n", total,
                    ids_text(o.ids).c_str(), ids_text(expected).c_str());
      }
    } else if (o.ids != expected) {
      why = "got " + ids_text(o.ids) + ", expected " + ids_text(expected);
    } else {
      ok = true;
    }
    if (ok) ++passing;
    if (!ok && !known.count(total)) {
      unexpected.push_back("#" + std::to_string(total) + ": " + text + "\n  " + why);
    }
    if (ok && known.count(total)) fixed.push_back(total);
  }
  std::printf("eql conformance: %d/%d passing\n", passing, total);
  EXPECT_EQ(total, 241);
  std::string report;
  for (const std::string& u : unexpected) report += u + "\n";
  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " unexpected failures:\n" << report;
  for (int f : fixed) {
    ADD_FAILURE() << "conformance #" << f
                  << " passes now: remove it from the known failures in docs/eql-semantics.md";
  }
}

}  // namespace
}  // namespace wsn::eql
