// `record`, interest pushdown and `sources.ebpf.hooks` through the wasm-sentinel binary. The
// live tests need root and a kernel that runs the collector (CI is root); they skip otherwise.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_util.h"

namespace {

namespace fs = std::filesystem;

using wsn::cli_test::Outcome;
using wsn::cli_test::rules_fired;
using wsn::cli_test::run_cli;
using wsn::cli_test::slurp;

// The hooks a live run printed ("...; hooks: raw:a tp:b; Ctrl-C stops").
std::vector<std::string> hooks_of(const std::string& err) {
  std::vector<std::string> out;
  const size_t at = err.find("; hooks: ");
  if (at == std::string::npos) return out;
  const size_t end = err.find(';', at + 9);
  std::istringstream in(err.substr(at + 9, end - at - 9));
  std::string h;
  while (in >> h) out.push_back(h);
  return out;
}

class LiveCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_record_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "rules");
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }
  // Starts the CLI with stdout+stderr in dir_/err; true once it says `ready` (false after
  // saying the collector is unavailable: the caller skips).
  bool start(std::vector<std::string> args, const std::string& ready,
             const fs::path& stdin_file = {}) {
    err_ = dir_ / "err";
    pid_ = fork();
    if (pid_ == 0) {
      if (!stdin_file.empty()) {
        const int in = ::open(stdin_file.c_str(), O_RDONLY);
        dup2(in, 0);
      }
      const int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(e, 1);
      dup2(e, 2);
      std::vector<char*> argv{const_cast<char*>(WSN_CLI_PATH)};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(WSN_CLI_PATH, argv.data());
      _exit(127);
    }
    for (int k = 0; k < 1000; ++k) {
      const std::string text = slurp(err_);
      if (text.find("live collection unavailable") != std::string::npos) return false;
      if (text.find(ready) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "never ready: " << slurp(err_);
    return false;
  }
  bool wait_for(const std::string& text) {
    for (int k = 0; k < 500; ++k) {
      if (slurp(err_).find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  int finish() {
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  static bool root() { return geteuid() == 0; }

  // Attack-chain commands, for real: a hidden executable run from /tmp, /etc/shadow read, a
  // setuid bit set in a world-writable directory.
  void run_attack_chain() {
    const std::string hidden = "/tmp/.wsn_record_test_" + std::to_string(::getpid());
    const std::string script = "cp /bin/true " + hidden + " && " + hidden +
                               " && cat /etc/shadow >/dev/null && chmod 4755 " + hidden +
                               " && rm -f " + hidden;
    ASSERT_EQ(std::system(script.c_str()), 0);
  }
  // `record` ended well and its file is private.
  void expect_recorded(const fs::path& rec) {
    ASSERT_EQ(finish(), 0) << slurp(err_);
    EXPECT_NE(slurp(err_).find("events recorded"), std::string::npos) << slurp(err_);
    EXPECT_EQ(fs::status(rec).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
  }
  // `replay` of the recording raises the attack chain's detections, the same twice.
  void expect_attack_chain_replayed(const fs::path& rec, const std::string& rules) {
    const Outcome replayed = run_cli("replay " + rec.string() + " --rules " + rules + " -q", dir_);
    ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
    const std::set<std::string> ids = rules_fired(replayed.out);
    for (const char* id : {"wsn.linux.exec_hidden_file", "wsn.linux.shadow_file_read",
                           "wsn.linux.setuid_bit_in_world_writable_dir"}) {
      EXPECT_TRUE(ids.count(id)) << id << "\n" << replayed.out;
    }
    // Replay is deterministic: the same recording gives the same alerts byte for byte.
    const Outcome again = run_cli("replay " + rec.string() + " --rules " + rules + " -q", dir_);
    EXPECT_EQ(again.out, replayed.out);
  }

  fs::path dir_, err_;
  pid_t pid_ = -1;
};

TEST_F(LiveCli, ProcessOnlyRulesAttachOnlyProcessTracking) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  write("rules/p.yml",
        "id: t.p\nname: P\ntype: eql\nquery: process where event.action == \"exec\" and "
        "process.name == \"wsn-none\"\n");
  write("rules/q.yml",
        "id: t.q\nname: Q\ntype: eql\nquery: |\n  sequence by process.entity_id\n"
        "    [process where event.action == \"fork\"]\n"
        "    [process where event.type == \"end\"]\n");
  if (!start({"run", "--duration", "1", "--rules", (dir_ / "rules").string(), "--output",
              (dir_ / "alerts").string(), "-c", "/dev/null"},
             "live detection with")) {
    GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
  }
  ASSERT_EQ(finish(), 0) << slurp(err_);
  EXPECT_EQ(hooks_of(slurp(err_)),
            (std::vector<std::string>{"raw:sched_process_exec", "raw:sched_process_fork",
                                      "raw:sched_process_exit"}))
      << slurp(err_);
}

TEST_F(LiveCli, HooksAllInTheConfigurationAttachEverything) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  write("rules/p.yml",
        "id: t.p\nname: P\ntype: eql\nquery: process where event.action == \"exec\"\n");
  const fs::path cfg = write("all.yml", "sources:\n  ebpf:\n    hooks: all\n");
  if (!start({"run", "--duration", "0.5", "--rules", (dir_ / "rules").string(), "--output",
              (dir_ / "alerts").string(), "-c", cfg.string()},
             "live detection with")) {
    GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
  }
  ASSERT_EQ(finish(), 0) << slurp(err_);
  const std::string err = slurp(err_);
  const auto hooks = hooks_of(err);
  const std::set<std::string> got(hooks.begin(), hooks.end());
  for (const char* h : {"tp:syscalls/sys_enter_openat", "tp:syscalls/sys_enter_ptrace",
                        "tp:syscalls/sys_enter_bind", "tp:syscalls/sys_enter_fchownat"}) {
    EXPECT_TRUE(got.count(h)) << h << "\n" << err;
  }
  EXPECT_NE(err.find("every file opened for reading is reported"), std::string::npos) << err;
}

// `record` follows sources.ebpf.hooks of the configuration unless --hooks says otherwise.
TEST_F(LiveCli, RecordTakesItsHooksFromTheConfigurationUnlessTold) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  const fs::path cfg = write("all.yml", "sources:\n  ebpf:\n    hooks: all\n");
  const std::string out = (dir_ / "rec.jsonl").string();
  for (const bool override_to_rules : {false, true}) {
    std::vector<std::string> args{"record", "--output", out,         "--duration",
                                  "0.5",    "-c",       cfg.string()};
    if (override_to_rules) args.insert(args.end(), {"--hooks", "rules"});
    if (!start(args, "recording live events")) {
      GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
    }
    ASSERT_EQ(finish(), 0) << slurp(err_);
    const auto hooks = hooks_of(slurp(err_));
    const std::set<std::string> got(hooks.begin(), hooks.end());
    // No bundled rule watches ptrace: only "all" attaches it.
    EXPECT_EQ(got.count("tp:syscalls/sys_enter_ptrace"), override_to_rules ? 0u : 1u)
        << slurp(err_);
  }
}

// A reload that needs new read prefixes widens the kernel filter at once (the new rule fires);
// one that needs a new hook says a restart is needed.
TEST_F(LiveCli, ReloadWidensReadPrefixesOrAsksForARestart) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  const std::string tag = std::to_string(::getpid());
  const fs::path first = dir_ / ("first_" + tag), second = dir_ / ("second_" + tag);
  std::ofstream(first) << "x";
  std::ofstream(second) << "x";
  auto read_rule = [](const std::string& id, const fs::path& p) {
    return "id: " + id + "\nname: R\ntype: eql\nquery: file where event.action == \"open\" and " +
           "file.path == \"" + p.string() + "\"\n";
  };
  write("rules/a.yml", read_rule("t.first", first));
  const fs::path cfg = write("cfg.yml", "rules:\n  watch: false\n");
  if (!start({"run", "--duration", "8", "--rules", (dir_ / "rules").string(), "--output",
              (dir_ / "alerts").string(), "-c", cfg.string()},
             "live detection with")) {
    GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
  }
  write("rules/b.yml", read_rule("t.second", second));
  kill(pid_, SIGHUP);
  ASSERT_TRUE(wait_for("now also reporting read opens under " + second.string())) << slurp(err_);
  ASSERT_EQ(std::system(("cat " + second.string() + " >/dev/null").c_str()), 0);
  write("rules/c.yml",
        "id: t.net\nname: N\ntype: eql\nquery: network where event.action == \"bind\"\n");
  kill(pid_, SIGHUP);
  EXPECT_TRUE(wait_for("not watch (network/bind); restart `run`")) << slurp(err_);
  kill(pid_, SIGTERM);
  ASSERT_EQ(finish(), 0) << slurp(err_);
  EXPECT_TRUE(rules_fired(slurp(dir_ / "alerts")).count("t.second")) << slurp(err_);
}

// Two sources at once: the live kernel collector and a log on standard input (sources.stdin)
// feed one engine; the alerts of both come out of the one run.
TEST_F(LiveCli, RunWithTwoSourcesRaisesTheAlertsOfBoth) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  const std::string marker = "wsn2s" + std::to_string(::getpid() % 100000);  // < 16 (comm)
  write("rules/live.yml",
        "id: t.live\nname: L\ntype: eql\nquery: process where event.action == "
        "\"exec\" and process.name == \"" +
            marker + "\"\n");
  write("rules/log.yml",
        "id: t.log\nname: G\ntype: eql\nquery: process where "
        "process.name == \"from_the_log\"\n");
  const fs::path log = write("in.jsonl",
                             "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"event\":{\"category\":"
                             "[\"process\"],\"type\":[\"start\"],\"action\":\"exec\"},"
                             "\"process\":{\"pid\":7,\"name\":\"from_the_log\"}}\n");
  const fs::path cfg = write("two.yml",
                             "sources:\n  stdin:\n    enabled: true\nsinks:\n  sqlite:\n"
                             "    enabled: false\nhttp:\n  enabled: false\nrules:\n"
                             "  watch: false\n");
  if (!start({"run", "--duration", "5", "--rules", (dir_ / "rules").string(), "--output",
              (dir_ / "alerts").string(), "-c", cfg.string()},
             "live detection with", log)) {
    GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
  }
  EXPECT_NE(slurp(err_).find("sources: ebpf, stdin"), std::string::npos) << slurp(err_);
  const fs::path exe = dir_ / marker;
  fs::copy_file("/bin/true", exe);
  ASSERT_EQ(std::system(exe.c_str()), 0);
  ASSERT_EQ(finish(), 0) << slurp(err_);
  const auto fired = rules_fired(slurp(dir_ / "alerts"));
  EXPECT_TRUE(fired.count("t.live")) << slurp(dir_ / "alerts") << slurp(err_);
  EXPECT_TRUE(fired.count("t.log")) << slurp(dir_ / "alerts") << slurp(err_);
  EXPECT_NE(slurp(err_).find("source stdin: 1 events"), std::string::npos) << slurp(err_);
}

// Live events carry the host identity Elastic's Linux rules start from (host.os.type, and
// host.id for their sequences): such a rule fires live, and its event says so.
TEST_F(LiveCli, LiveEventsCarryTheHostIdentity) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  const std::string marker = "wsnhost" + std::to_string(::getpid() % 100000);  // < 16 (comm)
  write("rules/host.yml",
        "id: t.host\nname: H\ntype: eql\nquery: process where host.os.type == \"linux\" and "
        "host.id != null and process.name == \"" +
            marker + "\"\n");
  const fs::path cfg = write("host.yml",
                             "sinks:\n  sqlite:\n    enabled: false\nhttp:\n  enabled: false\n"
                             "rules:\n  watch: false\n");
  if (!start({"run", "--duration", "3", "--rules", (dir_ / "rules").string(), "--output",
              (dir_ / "alerts").string(), "-c", cfg.string()},
             "live detection with")) {
    GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
  }
  const fs::path exe = dir_ / marker;
  fs::copy_file("/bin/true", exe);
  ASSERT_EQ(std::system(exe.c_str()), 0);
  ASSERT_EQ(finish(), 0) << slurp(err_);
  const std::string alerts = slurp(dir_ / "alerts");
  ASSERT_TRUE(rules_fired(alerts).count("t.host")) << alerts << slurp(err_);
  std::string line;
  std::istringstream in(alerts);
  while (std::getline(in, line) && line.find("\"t.host\"") == std::string::npos) {
  }
  // The triggering event as the alert carries it (after the alert's own host summary).
  const size_t host = line.find("\"host\":{", line.find("\"events\":["));
  ASSERT_NE(host, std::string::npos) << line;
  EXPECT_NE(line.find("\"type\":\"linux\"", host), std::string::npos) << line;
  std::string machine_id;
  std::getline(std::ifstream("/etc/machine-id"), machine_id);
  if (machine_id.size() == 32) {
    EXPECT_NE(line.find("\"id\":\"" + machine_id + "\"", host), std::string::npos) << line;
  }
}

// `record` while attack-chain commands run for real; `replay` of the recording raises the
// detections the bundled rules are meant to raise for them.
TEST_F(LiveCli, RecordThenReplayRaisesTheAttackChainDetections) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  const fs::path rec = dir_ / "rec.jsonl";
  const std::string bundled = std::string(WSN_SOURCE_DIR) + "/rules";
  if (!start({"record", "--output", rec.string(), "--duration", "4", "--rules", bundled, "-c",
              "/dev/null"},
             "recording live events")) {
    GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
  }
  run_attack_chain();
  expect_recorded(rec);

  expect_attack_chain_replayed(rec, bundled);
}

// The same with the binary flight-recorder format (chosen by the .wsnlog name), rotating.
TEST_F(LiveCli, BinaryRecordThenReplayRaisesTheAttackChainDetections) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  const fs::path rec = dir_ / "rec.wsnlog";
  const std::string bundled = std::string(WSN_SOURCE_DIR) + "/rules";
  if (!start({"record", "--output", rec.string(), "--duration", "4", "--rules", bundled, "-c",
              "/dev/null", "--record-max-age", "1h"},
             "recording live events")) {
    GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
  }
  run_attack_chain();
  expect_recorded(rec);

  EXPECT_EQ(slurp(rec).substr(0, 6), "WSNLOG");
  expect_attack_chain_replayed(rec, bundled);
}

// `run --record x.wsnlog` on the live host while attack-chain commands run, then `replay
// --verify` of the recording: the alerts the live run raised (stored in the recording) and
// those of the replay are the same, byte for byte and in order.
TEST_F(LiveCli, RunRecordThenReplayVerifyFindsNoDifference) {
  if (!root()) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  const fs::path rec = dir_ / "live.wsnlog";
  const std::string bundled = std::string(WSN_SOURCE_DIR) + "/rules";
  const fs::path cfg = write("run.yml",
                             "sinks:\n  sqlite:\n    enabled: false\nhttp:\n  enabled: false\n"
                             "rules:\n  watch: false\n");
  if (!start({"run", "--duration", "4", "--rules", bundled, "-c", cfg.string(), "--output",
              (dir_ / "alerts").string(), "--record", rec.string()},
             "live detection with")) {
    GTEST_SKIP() << "eBPF unavailable here: " << slurp(err_);
  }
  run_attack_chain();
  ASSERT_EQ(finish(), 0) << slurp(err_);
  const std::string live_alerts = slurp(dir_ / "alerts");
  const std::set<std::string> ids = rules_fired(live_alerts);
  for (const char* id : {"wsn.linux.exec_hidden_file", "wsn.linux.shadow_file_read"}) {
    EXPECT_TRUE(ids.count(id)) << id << "\n" << live_alerts << slurp(err_);
  }
  const Outcome verified = run_cli(
      "replay --verify " + rec.string() + " --rules " + bundled + " -c " + cfg.string(), dir_);
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  const size_t n = static_cast<size_t>(std::count(live_alerts.begin(), live_alerts.end(), '\n'));
  EXPECT_NE(verified.err.find("; " + std::to_string(n) + " alerts, identical to the " +
                              std::to_string(n) + " the recording holds"),
            std::string::npos)
      << verified.err;
}

TEST_F(LiveCli, RecordUsageErrors) {
  EXPECT_EQ(run_cli("record --duration 1", dir_).exit_code, 2);  // --output is required
  EXPECT_EQ(run_cli("record --output x --hooks some", dir_).exit_code, 2);
}

TEST_F(LiveCli, HooksOptionIsValidated) {
  const fs::path cfg = write("bad.yml", "sources:\n  ebpf:\n    hooks: every\n");
  const Outcome o = run_cli("validate --config " + cfg.string(), dir_);
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_NE(o.err.find("sources.ebpf.hooks: expected rules or all, got 'every'"), std::string::npos)
      << o.err;
}

}  // namespace
