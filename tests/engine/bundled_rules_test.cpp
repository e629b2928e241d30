// The bundled rules (rules/) against the bundled sample log (data/sample/linux-activity.jsonl).
//
// Ground truth is data/sample/attack-event-ids.txt (every event of the attacker's processes)
// and the generated attack table of docs/sample-data.md (event id → attack step). The sample
// deliberately contains benign look-alikes of every technique, so these tests check precision
// as much as recall:
//   - every bundled rule loads and compiles, and every rule fires at least once;
//   - every event of every alert is an attack event. This is the strict criterion, applied to
//     sequences too: each step of a sequence must be an attack event, not only the last one,
//     because a sequence that borrows a benign first step (say, a package-manager unit file)
//     would be a false correlation even if its final event is malicious;
//   - every attack step of the doc is covered by the rules listed for it in kStepCoverage
//     (at least one alert of one of those rules contains an event of that step), and the only
//     steps without coverage are the ones in kUncoveredSteps, each with the reason;
//   - the benign part of the log alone (attack events filtered out) raises no alert at all.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"
#include "wsn/alert.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = WSN_SOURCE_DIR;
const fs::path kRulesDir = kSourceDir / "rules";
const fs::path kSampleLog = kSourceDir / "data/sample/linux-activity.jsonl";
const fs::path kAttackIds = kSourceDir / "data/sample/attack-event-ids.txt";
const fs::path kSampleDoc = kSourceDir / "docs/sample-data.md";

// Attack step (the `step` column of docs/sample-data.md) → the rules meant to detect it.
// Keep in sync with docs/bundled-rules.md.
const std::map<int, std::vector<std::string>> kStepCoverage = {
    {1, {"wsn.linux.web_server_spawns_shell", "wsn.linux.web_service_account_discovery"}},
    {2,
     {"wsn.linux.web_server_spawns_shell", "wsn.linux.download_chmod_execute",
      "wsn.linux.download_to_world_writable_dir", "wsn.linux.exec_from_world_writable_dir",
      "wsn.linux.exec_hidden_file", "wsn.linux.web_service_account_unusual_egress"}},
    {3,
     {"wsn.linux.fileless_memfd_exec", "wsn.linux.kernel_thread_masquerade",
      "wsn.linux.fileless_process_network_connection"}},
    {4,
     {"wsn.linux.reverse_shell_dev_tcp", "wsn.linux.reverse_shell_interpreter_socket",
      "wsn.linux.shell_outbound_connection", "wsn.linux.interactive_shell_web_service_account",
      "wsn.linux.python_pty_shell_upgrade", "wsn.linux.web_service_account_unusual_egress"}},
    {5, {"wsn.linux.suid_binary_discovery"}},
    {6,
     {"wsn.linux.sudo_bruteforce", "wsn.linux.sudo_by_web_service_account",
      "wsn.linux.gtfobins_shell_escape", "wsn.linux.setuid_bit_in_world_writable_dir",
      "wsn.linux.setuid_file_executed", "wsn.linux.setuid_root_by_unexpected_process",
      "wsn.linux.web_service_account_root_transition", "wsn.linux.exec_from_world_writable_dir",
      "wsn.linux.exec_hidden_file"}},
    {7, {"wsn.linux.shadow_file_read", "wsn.linux.ssh_private_key_read"}},
    {8,
     {"wsn.linux.cron_file_modified", "wsn.linux.download_piped_to_shell",
      "wsn.linux.systemd_unit_created", "wsn.linux.systemd_unit_created_and_enabled",
      "wsn.linux.ssh_authorized_keys_modified"}},
    {9,
     {"wsn.linux.download_to_world_writable_dir", "wsn.linux.insmod_execution",
      "wsn.linux.kernel_module_load_unusual_path", "wsn.linux.hidden_staging_file_deleted"}},
    {10,
     {"wsn.linux.archive_then_http_upload", "wsn.linux.http_upload_from_staging_dir",
      "wsn.linux.shadow_file_read", "wsn.linux.ssh_private_key_read",
      "wsn.linux.hidden_staging_file_deleted"}},
    {11,
     {"wsn.linux.log_file_deleted_or_renamed", "wsn.linux.log_wipe_command",
      "wsn.linux.shell_history_cleared"}},
};

// Steps deliberately left without a rule, and why.
const std::map<int, std::string> kUncoveredSteps = {
    {0,
     "scan + exploit are HTTPS accepts from 203.0.113.50; the host sees no payload and the same "
     "/24 holds ordinary clients, so only the exploit's effect (step 1) is detectable"},
    {12, "the attacker's shells exiting is not malicious in itself"},
};

std::set<std::string> read_attack_ids() {
  std::ifstream in(kAttackIds);
  std::set<std::string> ids;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) ids.insert(line);
  }
  return ids;
}

// event.id → step number, from the generated attack table of docs/sample-data.md.
std::map<std::string, int> read_attack_steps() {
  std::ifstream in(kSampleDoc);
  const std::regex row(R"(^\| \d+ \| `(evt-\d+)` \| [^|]+ \| (\d+) )");
  std::map<std::string, int> steps;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("BEGIN GENERATED: attack-table") != std::string::npos) in_table = true;
    if (line.find("END GENERATED: attack-table") != std::string::npos) in_table = false;
    std::smatch m;
    if (in_table && std::regex_search(line, m, row)) steps[m[1]] = std::stoi(m[2]);
  }
  return steps;
}

struct CapturedAlert {
  std::string rule_id;
  std::vector<std::string> event_ids;
};

// Records every alert with the ids of its events.
class CaptureSink final : public AlertSink {
 public:
  explicit CaptureSink(std::vector<CapturedAlert>& out) : out_(out) {}
  std::string_view name() const override { return "capture"; }
  bool write(const Alert& alert, std::string_view /*json*/) override {
    CapturedAlert a;
    a.rule_id = alert.rule ? alert.rule->id : "";
    for (const Event& e : alert.events) {
      FieldView v;
      a.event_ids.push_back(e.get(fields::kEventId, v) ? std::string(v.s) : "<no event.id>");
    }
    out_.push_back(std::move(a));
    return true;
  }

 private:
  std::vector<CapturedAlert>& out_;
};

struct ReplayResult {
  std::vector<std::string> load_errors;
  std::vector<std::string> load_warnings;
  std::vector<RuleMeta> rules;
  std::vector<CapturedAlert> alerts;
  uint64_t events = 0;
  uint64_t malformed = 0;
};

ReplayResult replay(const fs::path& log) {
  ReplayResult r;
  Engine engine(EngineOptions{.rule_paths = {kRulesDir.string()}});
  engine.load_rules(r.load_errors, &r.load_warnings);
  r.rules = engine.rules()->rules;
  engine.alerts().add_sink(std::make_unique<CaptureSink>(r.alerts));
  JsonlReplaySource source(log.string(), engine.registry());
  RunStats stats;
  const Status st = engine.run(source, stats);
  EXPECT_TRUE(st.ok()) << st.error().message;
  r.events = stats.source.events;
  r.malformed = stats.source.malformed;
  return r;
}

// The full sample is replayed once and shared by the tests that need it.
const ReplayResult& full_replay() {
  static const ReplayResult r = replay(kSampleLog);
  return r;
}

uint64_t count_lines(const fs::path& p) {
  std::ifstream in(p);
  uint64_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

TEST(BundledRules, GroundTruthIsReadable) {
  const auto ids = read_attack_ids();
  const auto steps = read_attack_steps();
  ASSERT_GT(ids.size(), 100u);
  // The doc's table lists exactly the attack events.
  ASSERT_EQ(steps.size(), ids.size());
  for (const auto& [id, step] : steps) EXPECT_TRUE(ids.count(id)) << id;
}

TEST(BundledRules, AllLoadWithoutErrorsOrWarnings) {
  const ReplayResult& r = full_replay();
  EXPECT_TRUE(r.load_errors.empty()) << join(r.load_errors);
  EXPECT_TRUE(r.load_warnings.empty()) << join(r.load_warnings);
  ASSERT_GE(r.rules.size(), 20u);
  for (const RuleMeta& m : r.rules) {
    SCOPED_TRACE(m.id);
    EXPECT_FALSE(m.failed);
    EXPECT_TRUE(m.enabled);
    EXPECT_EQ(m.id.rfind("wsn.linux.", 0), 0u);
    EXPECT_FALSE(m.name.empty());
    EXPECT_GE(m.description.size(), 60u) << "describe what the rule detects and why";
    EXPECT_FALSE(m.mitre.empty());
    EXPECT_FALSE(m.tags.empty());
  }
}

TEST(BundledRules, EveryRuleFiresOnTheSample) {
  const ReplayResult& r = full_replay();
  EXPECT_EQ(r.events, count_lines(kSampleLog));
  EXPECT_EQ(r.malformed, 0u);
  std::map<std::string, size_t> counts;
  for (const auto& a : r.alerts) ++counts[a.rule_id];
  for (const RuleMeta& m : r.rules) {
    EXPECT_GT(counts[m.id], 0u) << m.id << " never fired on the sample";
  }
  // Per-rule counts, for the record (in the --gtest_output=xml report).
  for (const auto& [id, n] : counts) RecordProperty(id, static_cast<int>(n));
}

TEST(BundledRules, EveryAlertedEventIsAnAttackEvent) {
  const ReplayResult& r = full_replay();
  const auto attack = read_attack_ids();
  ASSERT_FALSE(r.alerts.empty());
  for (const auto& a : r.alerts) {
    ASSERT_FALSE(a.event_ids.empty()) << a.rule_id;
    for (const auto& id : a.event_ids) {
      EXPECT_TRUE(attack.count(id)) << a.rule_id << " alerted on benign event " << id
                                    << " (alert events: " << join(a.event_ids) << ")";
    }
  }
}

TEST(BundledRules, EveryAttackStepIsCovered) {
  const ReplayResult& r = full_replay();
  const auto steps = read_attack_steps();
  std::set<int> doc_steps;
  for (const auto& [id, step] : steps) doc_steps.insert(step);

  // Every step of the doc is either covered or explicitly excused, and nothing else is listed.
  for (int step : doc_steps) {
    EXPECT_NE(kStepCoverage.count(step) + kUncoveredSteps.count(step), 0u)
        << "attack step " << step << " has neither rules nor a reason in kUncoveredSteps";
  }
  for (const auto& [step, rules] : kStepCoverage) {
    EXPECT_TRUE(doc_steps.count(step)) << "kStepCoverage lists unknown step " << step;
    EXPECT_FALSE(kUncoveredSteps.count(step)) << step;
  }

  // rule id → steps its alerts touched.
  std::map<std::string, std::set<int>> touched;
  for (const auto& a : r.alerts) {
    for (const auto& id : a.event_ids) {
      if (auto it = steps.find(id); it != steps.end()) touched[a.rule_id].insert(it->second);
    }
  }
  std::set<std::string> loaded;
  for (const RuleMeta& m : r.rules) loaded.insert(m.id);
  for (const auto& [step, rules] : kStepCoverage) {
    for (const auto& rule : rules) {
      EXPECT_TRUE(loaded.count(rule)) << "kStepCoverage names unknown rule " << rule;
      // Each listed rule really does fire on that step (the table is not wishful).
      EXPECT_TRUE(touched[rule].count(step))
          << rule << " is listed for step " << step << " but none of its alerts touches it";
    }
  }
}

TEST(BundledRules, BenignEventsAloneRaiseNoAlert) {
  const auto attack = read_attack_ids();
  const fs::path benign =
      fs::temp_directory_path() / ("wsn-benign-" + std::to_string(::getpid()) + ".jsonl");
  size_t kept = 0, dropped = 0;
  {
    std::ifstream in(kSampleLog);
    std::ofstream out(benign);
    ASSERT_TRUE(in && out);
    const std::regex id_re(R"re("event":\{"id":"(evt-\d+)")re");
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      ASSERT_TRUE(std::regex_search(line, m, id_re)) << "line without event.id: " << line;
      if (attack.count(m[1])) {
        ++dropped;
      } else {
        out << line << '\n';
        ++kept;
      }
    }
  }
  // The filter removed exactly the attack events (a format change must not pass silently).
  ASSERT_EQ(dropped, attack.size());
  ASSERT_GT(kept, 2000u);

  const ReplayResult r = replay(benign);
  fs::remove(benign);
  EXPECT_EQ(r.events, kept);
  EXPECT_TRUE(r.load_errors.empty()) << join(r.load_errors);
  for (const auto& a : r.alerts) {
    ADD_FAILURE() << a.rule_id << " fired on benign events: " << join(a.event_ids);
  }
}

}  // namespace
}  // namespace wsn
