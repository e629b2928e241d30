#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "alert/alert_json.h"
#include "alert/alert_manager.h"
#include "alert/sinks/stream/stream_sink.h"

namespace wsn {
namespace {

Event process_event(const char* name, int64_t ns) {
  Event e;
  e.set_timestamp(fields::kTimestamp, ns);
  e.set_string(fields::kProcessName, name);
  e.set_string(fields::kHostName, "web-01");
  e.set_string(fields::kProcessCommandLine, "sh -c \"id\"\n\x01");
  return e;
}

std::shared_ptr<const RuleMeta> rule() {
  auto r = std::make_shared<RuleMeta>();
  r->id = "wsn.test";
  r->name = "Test \"quoted\" rule";
  r->description = "d";
  r->severity = Severity::kHigh;
  r->tags = {"linux"};
  r->mitre = {"T1059.004"};
  return r;
}

TEST(AlertJson, SerializesEcsAlertDeterministically) {
  FieldRegistry reg;
  Alert a;
  a.rule = rule();
  a.severity = a.rule->severity;
  a.sequence = 3;
  a.events = {process_event("sh", 1'763'633'643'412'000'000)};
  a.time_ns = a.events[0].time_ns();
  std::string out;
  write_alert_json(a, reg, out);
  const std::string expected_prefix =
      R"({"@timestamp":"2025-11-20T10:14:03.412Z","event":{"kind":"alert","severity":73,)"
      R"("severity_label":"high"},"rule":{"id":"wsn.test","name":"Test \"quoted\" rule",)"
      R"("description":"d","type":"eql","tags":["linux"]},"threat":{"framework":"MIT)";
  EXPECT_EQ(out.substr(0, expected_prefix.size()), expected_prefix);
  std::string again;
  write_alert_json(a, reg, again);
  EXPECT_EQ(out, again);

  // Valid JSON whose fields say what they should.
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(out).get(doc), simdjson::SUCCESS) << out;
  EXPECT_EQ(std::string_view(doc["event"]["kind"]), "alert");
  EXPECT_EQ(int64_t(doc["event"]["severity"]), 73);
  EXPECT_EQ(std::string_view(doc["threat"]["technique"]["id"].at(0)), "T1059.004");
  EXPECT_EQ(std::string_view(doc["host"]["name"]), "web-01");
  EXPECT_EQ(uint64_t(doc["alert"]["sequence"]), 3u);
  EXPECT_EQ(std::string_view(doc["events"].at(0)["process"]["command_line"]), "sh -c \"id\"\n\x01");
}

TEST(AlertJson, SequenceAlertsCarryEveryEventInOrder) {
  FieldRegistry reg;
  Alert a;
  a.rule = rule();
  a.severity = a.rule->severity;
  a.events = {process_event("curl", 1'000'000'000), process_event("chmod", 2'000'000'000),
              process_event("x.sh", 3'000'000'000)};
  a.time_ns = 3'000'000'000;
  std::string out;
  write_alert_json(a, reg, out);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(out).get(doc), simdjson::SUCCESS);
  simdjson::dom::array events = doc["events"];
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(std::string_view(events.at(0)["process"]["name"]), "curl");
  EXPECT_EQ(std::string_view(events.at(2)["process"]["name"]), "x.sh");
  EXPECT_EQ(std::string_view(doc["@timestamp"]), "1970-01-01T00:00:03.000Z");
}

TEST(AlertManager, NumbersAlertsAndWritesEveryLineToAFile) {
  namespace fs = std::filesystem;
  const fs::path path = fs::temp_directory_path() / "wsn_alert_manager_test.jsonl";
  fs::remove(path);
  FieldRegistry reg;
  AlertManager m(reg);
  auto sink = StreamSink::open_file(path.string());
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  m.add_sink(std::move(sink.value()));
  RuleSet set;
  set.rules.push_back(*rule());
  set.generation = 1;
  for (int k = 0; k < 5; ++k) {
    Event e = process_event("sh", k * 1'000'000'000LL);
    const Event* ev = &e;
    m.on_detection(set, 0, {&ev, 1});
  }
  m.flush();
  EXPECT_EQ(m.stats().alerts, 5u);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    EXPECT_NE(line.find("\"alert\":{\"sequence\":" + std::to_string(n) + ","), std::string::npos);
  }
  EXPECT_EQ(n, 5);
  fs::remove(path);
}

TEST(StreamSink, UnwritableFileIsAClearError) {
  auto sink = StreamSink::open_file("/nonexistent-dir/alerts.jsonl");
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.error().message,
            "open alert file /nonexistent-dir/alerts.jsonl: No such file or directory");
}

}  // namespace
}  // namespace wsn
