// End-to-end tests of the wasm-sentinel binary: exit codes, what goes to stdout and stderr.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace {

namespace fs = std::filesystem;

using wsn::cli_test::Outcome;
using wsn::cli_test::rules_fired;
using wsn::cli_test::run_cli;
using wsn::cli_test::slurp;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "rules");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  // Replays events.jsonl with the rules twice; the two outputs must be the same bytes.
  Outcome replay_twice() {
    const std::string cmd =
        "replay " + (dir_ / "events.jsonl").string() + " -r " + (dir_ / "rules").string();
    const Outcome a = run_cli(cmd);
    const Outcome b = run_cli(cmd);
    EXPECT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
    return a;
  }
  fs::path dir_;
};

TEST_F(CliTest, ReplayReportsEachMalformedLineAndProcessesTheRest) {
  write("rules/r.yml",
        "id: t.curl\nname: curl ran\ntype: eql\nquery: process where process.name == \"curl\"\n");
  const fs::path log =
      write("log.jsonl",
            "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"process\":{\"name\":\"curl\"},"
            "\"event\":{\"category\":[\"process\"]}}\n"
            "{not json\n"
            "{\"process\":{\"pid\":\"abc\"}}\n"
            "\n"
            "{\"@timestamp\":\"2026-01-01T00:00:01Z\",\"process.name\":\"curl\","
            "\"event.category\":\"process\"}\n");
  const Outcome o = run_cli("replay " + log.string() + " --rules " + (dir_ / "rules").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find(log.string() + ":2: malformed event: invalid JSON"), std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find(log.string() +
                       ":3: malformed event: field 'process.pid': expected integer, got string "
                       "\"abc\""),
            std::string::npos)
      << o.err;
  EXPECT_EQ(o.err.find(":4:"), std::string::npos) << "blank lines are not malformed";
  EXPECT_NE(o.err.find("2 events processed (2 malformed, 0 dropped)"), std::string::npos) << o.err;
  // Two alerts on stdout, nothing else.
  std::istringstream lines(o.out);
  std::string line;
  int alerts = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.rfind("{\"@timestamp\":", 0), 0u) << line;
    EXPECT_NE(line.find("\"rule\":{\"id\":\"t.curl\""), std::string::npos);
    ++alerts;
  }
  EXPECT_EQ(alerts, 2);
}

TEST_F(CliTest, UnreadableFileExitsNonZeroWithAClearMessage) {
  write("rules/r.yml", "id: t.r\nname: R\ntype: eql\nquery: process where true\n");
  const Outcome o = run_cli("replay " + (dir_ / "missing.jsonl").string() + " --rules " +
                            (dir_ / "rules").string());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("open " + (dir_ / "missing.jsonl").string() + ": No such file or directory"),
            std::string::npos)
      << o.err;
  EXPECT_TRUE(o.out.empty());
}

TEST_F(CliTest, ValidateReportsEveryErrorWithCaretAndExits3) {
  write("rules/a.yml",
        "id: a\nname: A\ntype: eql\nquery: |\n  process where\n    process.name == = 1\n"
        "---\nid: b\nname: B\ntype: eql\nquery: prcess wher true\n");
  write("rules/b.yml", "id: c\nname: C\nseverity: urgent\ntype: eql\nquery: any where true\n");
  const Outcome o = run_cli("validate --rules " + (dir_ / "rules").string());
  EXPECT_EQ(o.exit_code, 3);
  const std::string a = (dir_ / "rules" / "a.yml").string();
  EXPECT_NE(o.err.find(a + ":6:21: error: expected an expression after '=='"), std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("    process.name == = 1\n                    ^"), std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find(a + ":11:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find((dir_ / "rules" / "b.yml").string() + ":3:11: error: severity must be"),
            std::string::npos)
      << o.err;
}

TEST_F(CliTest, ValidateAcceptsGoodRules) {
  write("rules/a.yml",
        "id: a\nname: A\ntype: eql\nquery: |\n  process where process.name : \"x*\"\n");
  const Outcome o = run_cli("validate --rules " + (dir_ / "rules").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("validate: 1 rule(s) OK"), std::string::npos) << o.out;
}

TEST_F(CliTest, UsageErrorsExit2) {
  EXPECT_EQ(run_cli("replay").exit_code, 2);
  EXPECT_EQ(run_cli("no-such-command").exit_code, 2);
  const Outcome help = run_cli("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
}

TEST_F(CliTest, StdinReplayAndStrictMode) {
  write("rules/bad.yml", "id: a\nname: A\ntype: eql\nquery: process where (\n");
  const fs::path log = write("log.jsonl", "{\"process\":{\"name\":\"x\"}}\n");
  const Outcome strict =
      run_cli("replay --strict " + log.string() + " --rules " + (dir_ / "rules").string());
  EXPECT_EQ(strict.exit_code, 3);
  const Outcome lax =
      run_cli("replay - --rules " + (dir_ / "rules").string() + " < " + log.string());
  EXPECT_EQ(lax.exit_code, 0) << lax.err;
}

TEST_F(CliTest, QueryPrintsMatchesAndPipes) {
  const fs::path log =
      write("log.jsonl",
            "{\"event\":{\"category\":\"process\"},\"process\":{\"name\":\"a\",\"pid\":1}}\n"
            "{\"event\":{\"category\":\"process\"},\"process\":{\"name\":\"b\",\"pid\":2}}\n"
            "{\"event\":{\"category\":\"file\"},\"process\":{\"name\":\"a\",\"pid\":3}}\n");
  const Outcome o = run_cli("query 'process where true | tail 1' --events " + log.string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("\"pid\":2"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("\"pid\":1"), std::string::npos) << o.out;
  const Outcome bad = run_cli("query 'process where' --events " + log.string());
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("<query>:1:14: error:"), std::string::npos) << bad.err;
}

TEST_F(CliTest, ReplayIsDeterministicByteForByte) {
  write("rules/r.yml",
        "id: t.exec_tmp\nname: exec from /tmp\ntype: eql\nseverity: high\nmitre: [T1059]\n"
        "query: |\n  process where event.action == \"exec\" and process.executable : \"/tmp/*\"\n"
        "---\nid: t.fork_exec\nname: fork then exec\ntype: eql\nquery: |\n"
        "  sequence by process.entity_id with maxspan=1s\n"
        "    [process where event.action == \"fork\"]\n"
        "    [process where event.action == \"exec\" and process.name == \"curl\"]\n");
  const std::string sample = std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl";
  const fs::path a = dir_ / "a.jsonl";
  const fs::path b = dir_ / "b.jsonl";
  const std::string rules = " --rules " + (dir_ / "rules").string();
  ASSERT_EQ(run_cli("replay " + sample + rules + " --output " + a.string()).exit_code, 0);
  ASSERT_EQ(run_cli("replay " + sample + rules + " --output " + b.string()).exit_code, 0);
  const std::string first = slurp(a);
  EXPECT_NE(first.find("\"rule\":{\"id\":\"t.exec_tmp\""), std::string::npos);
  EXPECT_NE(first.find("\"rule\":{\"id\":\"t.fork_exec\""), std::string::npos);
  EXPECT_EQ(first, slurp(b));
  EXPECT_EQ(fs::status(a).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

// Root + eBPF: `run` detects attack-chain commands executed for real on this host, records the
// events, and `replay` of the recording raises the same detections.
TEST_F(CliTest, LiveRunDetectsRealCommandsAndItsRecordingReplaysTheSame) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
  const fs::path rec = dir_ / "rec.jsonl";
  const fs::path live = dir_ / "live.jsonl";
  const fs::path err = dir_ / "run.err";
  const std::string bundled = std::string(WSN_SOURCE_DIR) + "/rules";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(e, 1);
    dup2(e, 2);
    execl(WSN_CLI_PATH, WSN_CLI_PATH, "run", "--duration", "6", "--rules", bundled.c_str(),
          "--record", rec.c_str(), "--output", live.c_str(), "-c", "/dev/null",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  bool started = false;
  for (int k = 0; k < 500 && !started; ++k) {
    const std::string text = slurp(err);
    if (text.find("live collection unavailable") != std::string::npos) {
      waitpid(pid, nullptr, 0);
      GTEST_SKIP() << "eBPF unavailable here: " << text;
    }
    started = text.find("live detection with") != std::string::npos;
    if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(started) << slurp(err);
  // Steps of the sample attack chain, for real: a hidden program run from /tmp, a read of the
  // password hashes, the setuid bit set on a copy in /tmp.
  const std::string hidden = "/tmp/.wsn_cli_test_" + std::to_string(::getpid());
  const std::string script = "cp /bin/true " + hidden + " && " + hidden + " && cat /etc/shadow" +
                             " >/dev/null && chmod 4755 " + hidden + " && rm -f " + hidden;
  ASSERT_EQ(std::system(script.c_str()), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << slurp(err);

  const std::set<std::string> live_ids = rules_fired(slurp(live));
  for (const char* id : {"wsn.linux.exec_hidden_file", "wsn.linux.shadow_file_read",
                         "wsn.linux.setuid_bit_in_world_writable_dir"}) {
    EXPECT_TRUE(live_ids.count(id)) << id << "\n" << slurp(err);
  }
  const Outcome replayed = run_cli("replay " + rec.string() + " --rules " + bundled + " -q");
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_EQ(rules_fired(replayed.out), live_ids);
}

// Waits (bounded) until `path` holds at least `n` lines.
bool wait_for_lines(const fs::path& path, size_t n) {
  for (int k = 0; k < 500; ++k) {
    const std::string text = slurp(path);
    if (static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST_F(CliTest, SighupReloadsRulesWithoutStoppingAndRejectsBrokenOnes) {
  const fs::path rule =
      write("rules/r.yml", "id: t.a\nname: A\ntype: eql\nquery: any where process.name == \"a\"\n");
  const fs::path out = dir_ / "alerts.jsonl";
  int in_pipe[2];
  ASSERT_EQ(pipe(in_pipe), 0);
  const fs::path err = dir_ / "stderr.txt";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    close(in_pipe[1]);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(e, 1);
    dup2(e, 2);
    const std::string rules = (dir_ / "rules").string();
    execl(WSN_CLI_PATH, WSN_CLI_PATH, "replay", "-", "--rules", rules.c_str(), "--output",
          out.c_str(), "-q", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in_pipe[0]);
  // Whatever happens below, the child does not outlive the test.
  struct ChildGuard {
    pid_t pid;
    int fd;
    ~ChildGuard() {
      if (fd >= 0) close(fd);
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } guard{pid, in_pipe[1]};
  auto send = [&](const char* name) {
    const std::string line = std::string("{\"process\":{\"name\":\"") + name + "\"}}\n";
    ASSERT_EQ(::write(in_pipe[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
  };
  send("a");
  ASSERT_TRUE(wait_for_lines(out, 1)) << "a streamed event must not wait for a full batch\n"
                                      << slurp(err);

  std::ofstream(rule) << "id: t.b\nname: B\ntype: eql\nquery: any where process.name == \"b\"\n";
  kill(pid, SIGHUP);
  // The reload happens on another thread; keep sending until the new rule fires.
  bool reloaded = false;
  for (int k = 0; k < 100 && !reloaded; ++k) {
    send("b");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reloaded = slurp(out).find("\"id\":\"t.b\"") != std::string::npos;
  }
  EXPECT_TRUE(reloaded);

  // A broken rule file is rejected: t.b keeps running.
  std::ofstream(rule) << "id: t.c\nname: C\ntype: eql\nquery: any where (\n";
  kill(pid, SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string so_far = slurp(out);
  const auto before = static_cast<size_t>(std::count(so_far.begin(), so_far.end(), '\n'));
  send("b");
  EXPECT_TRUE(wait_for_lines(out, before + 1));

  close(in_pipe[1]);  // end of input: the run finishes
  guard.fd = -1;
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  guard.pid = 0;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace

namespace {

// Nothing to do is an error, never a quiet zero: no rules, a directory of no rule files, a
// file that is not a rule file, a configuration path that is a directory, a log with no event.
TEST_F(CliTest, EmptyOrUnusableSetupsFailLoudly) {
  fs::create_directories(dir_ / "wasm");
  write("wasm/a.wasm", std::string("\0asm\1\0\0\0", 8));
  write("log.jsonl", "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"process\":{\"pid\":1}}\n");
  const std::string log = (dir_ / "log.jsonl").string();

  Outcome o = run_cli("replay " + log + " -r " + (dir_ / "nothing").string());
  EXPECT_EQ(o.exit_code, 3) << o.err;
  EXPECT_NE(o.err.find("no rules loaded from"), std::string::npos) << o.err;

  o = run_cli("validate -r " + (dir_ / "wasm").string());
  EXPECT_EQ(o.exit_code, 3) << o.err;
  EXPECT_NE(o.err.find("no rule files (*.yml, *.yaml, *.toml) in this directory (1 other file(s)"),
            std::string::npos)
      << o.err;

  o = run_cli("validate -r " + (dir_ / "wasm/a.wasm").string());
  EXPECT_EQ(o.exit_code, 3) << o.err;
  EXPECT_NE(o.err.find("a.wasm: error: a WebAssembly module, not a rule file: a Wasm rule is a "
                       "YAML rule file of `type: wasm`"),
            std::string::npos)
      << o.err;
  EXPECT_EQ(o.err.find("invalid YAML"), std::string::npos) << o.err;

  o = run_cli("validate -c " + dir_.string());
  EXPECT_EQ(o.exit_code, 3) << o.err;
  EXPECT_NE(o.err.find("is a directory, not a configuration file"), std::string::npos) << o.err;

  write("rules/r.yml", "id: t.r\nname: R\ntype: eql\nquery: process where true\n");
  o = run_cli("replay " + std::string(WSN_SOURCE_DIR) + "/README.md -r " +
              (dir_ / "rules").string());
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find("error: no line of"), std::string::npos) << o.err;
}

TEST_F(CliTest, VersionFlagAndUnknownCommands) {
  Outcome o = run_cli("--version");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out.rfind("wasm-sentinel ", 0), 0u) << o.out;
  // Version, commit, build type, then each probed capability with its answer.
  std::istringstream lines(o.out);
  std::string line;
  std::vector<std::string> got;
  while (std::getline(lines, line)) got.push_back(line);
  ASSERT_GE(got.size(), 11u) << o.out;
  EXPECT_EQ(got[1].rfind("commit: ", 0), 0u) << got[1];
  EXPECT_GT(got[1].size(), std::string("commit: ").size());
  EXPECT_EQ(got[2].rfind("build: ", 0), 0u) << got[2];
  EXPECT_EQ(got[3], "kernel capabilities (probed now):");
  const char* names[] = {"  kernel: ",
                         "  BTF (/sys/kernel/btf/vmlinux): ",
                         "  BPF tracepoints: ",
                         "  BPF raw tracepoints: ",
                         "  XDP: ",
                         "  BPF LSM programs: ",
                         "  BPF LSM active: "};
  for (size_t k = 0; k < std::size(names); ++k) {
    const std::string& l = got[4 + k];
    ASSERT_EQ(l.rfind(names[k], 0), 0u) << l;
    if (k == 0) continue;
    const std::string answer = l.substr(std::string(names[k]).size());
    EXPECT_TRUE(answer == "yes" || answer.rfind("no", 0) == 0 || answer.rfind("unknown (", 0) == 0)
        << l;
  }
  if (::geteuid() == 0 && fs::exists("/sys/kernel/btf/vmlinux")) {
    EXPECT_EQ(got[6], "  BPF tracepoints: yes") << "probed as root on a kernel that has them";
  }
  o = run_cli("frobnicate");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("unknown command 'frobnicate' (commands: run, replay"), std::string::npos)
      << o.err;
}

}  // namespace

namespace {

// --output FILE replaces standard output and keeps its configured format (sinks.stdout.format).
TEST_F(CliTest, OutputFileKeepsTheStdoutFormat) {
  write("rules/r.yml", "id: t.r\nname: R\ntype: eql\nquery: process where process.name == \"x\"\n");
  write("log.jsonl",
        "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"event\":{\"category\":"
        "[\"process\"]},\"process\":{\"pid\":1,\"name\":\"x\"}}\n");
  write("text.yml", "sinks:\n  stdout: {format: text}\n");
  const fs::path out = dir_ / "alerts.txt";
  const Outcome o =
      run_cli("replay " + (dir_ / "log.jsonl").string() + " -r " + (dir_ / "rules").string() +
              " -c " + (dir_ / "text.yml").string() + " --output " + out.string() + " -q");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::ifstream in(out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line.rfind("2026-01-01T00:00:00.000Z MEDIUM t.r ", 0), 0u) << line;
}

}  // namespace

namespace {

// The summary counts the rules that run; those that failed to load are said apart.
TEST_F(CliTest, SummaryDoesNotCountRulesThatFailedToLoad) {
  write("rules/good.yml", "id: t.good\nname: G\ntype: eql\nquery: process where true\n");
  write("rules/bad.yml", "id: t.bad\nname: B\ntype: eql\nquery: process where nofunc(x)\n");
  write("log.jsonl", "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"process\":{\"pid\":1}}\n");
  const Outcome o =
      run_cli("replay " + (dir_ / "log.jsonl").string() + " -r " + (dir_ / "rules").string());
  EXPECT_NE(o.err.find("; 1 rules loaded, 1 refused; "), std::string::npos) << o.err;
}

}  // namespace

namespace {

// `unique_count` prints each group's key, as `count` does.
TEST_F(CliTest, UniqueCountPrintsTheKey) {
  const std::string log = std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl";
  const Outcome o =
      run_cli("query 'process where true | unique_count process.user.name' --events " + log);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out.rfind("{\"key\":\"root\",\"count\":628,", 0), 0u) << o.out.substr(0, 200);
  EXPECT_EQ(o.out.find("\"key\":\"\""), std::string::npos);
}

}  // namespace

namespace {

// `list --json`: each rule's source file, kind and exceptions; tuning files named by the
// configuration (rules.overlays) apply as well as those in the rules directory.
TEST_F(CliTest, ListJsonShowsSourceKindAndExceptions) {
  write("rules/a.yml",
        "id: a\nname: A\ntype: eql\nquery: process where true\nexceptions:\n"
        "  - item_id: ok\n    entries: [{field: process.name, type: match, value: bash}]\n");
  write("overlay.yml", "overlay:\n  - id: a\n    severity: critical\n  - id: nope\n");
  write("config.yml", "rules:\n  paths: [rules]\n  overlays: [overlay.yml]\n");
  const Outcome o = run_cli("list --json -c " + (dir_ / "config.yml").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  const std::string src = (dir_ / "rules/a.yml").string();
  EXPECT_NE(o.out.find("\"id\":\"a\",\"name\":\"A\",\"kind\":\"eql\",\"severity\":\"critical\","
                       "\"status\":\"enabled\",\"source\":\"" +
                       src + "\""),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("\"exceptions\":[{\"name\":\"ok\",\"list_id\":\"\",\"source\":\"" + src +
                       ":6\",\"condition\":\"(process.name == \\\"bash\\\")\"}]"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.err.find("overlay.yml:4:9: warning: overlay names unknown rule id 'nope'"),
            std::string::npos)
      << o.err;
}

}  // namespace

namespace {

// Value lists named by the configuration (rules.lists) serve in_list() in queries; a broken
// exception is reported by `validate` with file:line:col and exit code 3.
TEST_F(CliTest, ValidateReadsConfiguredListsAndReportsBadExceptions) {
  write("rules/a.yml",
        "id: a\nname: A\ntype: eql\nquery: process where in_list(process.name, \"shells\")\n");
  write("lists.yml", "lists:\n  shells: [bash, zsh]\n");
  write("config.yml", "rules:\n  paths: [rules]\n  lists: [lists.yml]\n");
  Outcome o = run_cli("validate -c " + (dir_ / "config.yml").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("validate: 1 rule(s) OK"), std::string::npos) << o.out;

  write("rules/b.yml",
        "id: b\nname: B\ntype: eql\nquery: process where true\nexceptions:\n"
        "  - entries: [{field: process.name, type: regex, value: x}]\n");
  o = run_cli("validate -c " + (dir_ / "config.yml").string());
  EXPECT_EQ(o.exit_code, 3) << o.err;
  EXPECT_NE(o.err.find("b.yml:6:43: error: unknown exception entry type 'regex'"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("[RULE019]"), std::string::npos) << o.err;
}

}  // namespace

namespace {

// Sigma rule files load from a rules directory; the configuration's rules.sigma_mappings extend
// the built-in mapping (docs/sigma.md "Mapping"); `query` hunts with a Sigma rule file.
TEST_F(CliTest, SigmaRulesWithAConfiguredMappingAndQuery) {
  write("rules/acme.yml",
        "title: Acme deploy\nid: acme-1\nlogsource: {product: acme, service: app}\n"
        "detection:\n  sel:\n    Verb: deploy\n  condition: sel\n");
  write("config.yml", "rules:\n  paths: [rules]\n");
  Outcome o = run_cli("validate -c " + (dir_ / "config.yml").string());
  EXPECT_NE(o.err.find("acme.yml:3:12: warning: logsource {product: acme, service: app} has no "
                       "mapping"),
            std::string::npos)
      << o.err;
  write("sigma-map.yml",
        "sigma_mapping:\n  logsources:\n    - {product: acme, service: app, event_category: "
        "process, keywords: [message]}\n  fields:\n    Verb: event.action\n");
  write("config.yml", "rules:\n  paths: [rules]\n  sigma_mappings: [sigma-map.yml]\n");
  o = run_cli("validate -c " + (dir_ / "config.yml").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("validate: 1 rule(s) OK"), std::string::npos) << o.out;

  write("rules/nc.yml",
        "title: Netcat\nid: nc-1\nlogsource: {product: linux, category: process_creation}\n"
        "detection:\n  sel:\n    Image|endswith: /nc\n  condition: sel\n");
  write("events.jsonl",
        "{\"event\":{\"category\":[\"process\"],\"action\":\"exec\"},\"process\":{\"executable\":"
        "\"/usr/bin/NC\",\"pid\":7}}\n"
        "{\"event\":{\"category\":[\"process\"],\"action\":\"exec\"},\"process\":{\"executable\":"
        "\"/usr/bin/ls\",\"pid\":8}}\n");
  o = run_cli("query " + (dir_ / "rules/nc.yml").string() + " --show-eql -e " +
              (dir_ / "events.jsonl").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("\"pid\":7"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("\"pid\":8"), std::string::npos) << o.out;
  EXPECT_NE(o.err.find("process.executable : \"*/nc\""), std::string::npos) << o.err;
}

}  // namespace

namespace {

// A Sigma correlation replays deterministically: state expires by event time, so two replays
// of one log give the same alerts, and the correlation fires at its threshold.
TEST_F(CliTest, SigmaCorrelationReplaysIdentically) {
  write("rules/su.yml",
        "title: su run\nid: su-run\nname: su_run\n"
        "logsource: {product: linux, category: process_creation}\n"
        "detection:\n  sel: {Image: /bin/su}\n  condition: sel\n---\n"
        "title: su burst\nid: su-burst\ncorrelation:\n  type: event_count\n  rules: [su_run]\n"
        "  group-by: [User]\n  timespan: 1m\n  condition: {gte: 3}\n");
  std::string log;
  for (int k = 0; k < 5; ++k) {
    log += "{\"@timestamp\":\"2026-12-07T10:0" + std::to_string(2 * k) +
           ":00Z\",\"event\":{\"category\":[\"process\"],\"action\":\"exec\"},\"process\":{"
           "\"executable\":\"/bin/su\",\"pid\":" +
           std::to_string(100 + k) + "},\"user\":{\"name\":\"alice\"}}\n";
    log += "{\"@timestamp\":\"2026-12-07T10:0" + std::to_string(2 * k) +
           ":01Z\",\"event\":{\"category\":[\"process\"],\"action\":\"exec\"},\"process\":{"
           "\"executable\":\"/bin/su\",\"pid\":" +
           std::to_string(200 + k) + "},\"user\":{\"name\":\"alice\"}}\n";
  }
  log +=
      "{\"@timestamp\":\"2026-12-07T10:09:30Z\",\"event\":{\"category\":[\"process\"],"
      "\"action\":\"exec\"},\"process\":{\"executable\":\"/bin/su\",\"pid\":300},"
      "\"user\":{\"name\":\"alice\"}}\n";
  write("events.jsonl", log);
  const Outcome a = replay_twice();
  // Two events every two minutes, the timespan is a minute: never three in one timespan.
  EXPECT_EQ(a.out.find("su-burst"), std::string::npos) << a.out;
  EXPECT_EQ(a.out.find("\"su-run\""), std::string::npos) << a.out;  // generate: false

  write("rules/su.yml",
        "title: su run\nid: su-run\nname: su_run\n"
        "logsource: {product: linux, category: process_creation}\n"
        "detection:\n  sel: {Image: /bin/su}\n  condition: sel\n---\n"
        "title: su burst\nid: su-burst\ncorrelation:\n  type: event_count\n  rules: [su_run]\n"
        "  group-by: [User]\n  timespan: 3m\n  condition: {gte: 3}\n");
  const Outcome c = replay_twice();
  EXPECT_NE(c.out.find("su-burst"), std::string::npos) << c.out << c.err;
}

// Aggregating correlations (value_count decided as soon as it holds, value_count with an upper
// bound decided when each window closes) replay deterministically too: windows close by event
// time and at the end of the input, so two replays of one log give byte-identical alerts.
TEST_F(CliTest, SigmaAggregatingCorrelationsReplayIdentically) {
  write("rules/su.yml",
        "title: su run\nid: su-run\nname: su_run\n"
        "logsource: {product: linux, category: process_creation}\n"
        "detection:\n  sel: {Image: /bin/su}\n  condition: sel\n---\n"
        "title: su to many users\nid: su-many\ncorrelation:\n  type: value_count\n"
        "  rules: [su_run]\n  group-by: [User]\n  timespan: 1m\n"
        "  generate: true\n  condition: {field: CommandLine, gte: 3}\n---\n"
        "title: su to few users\nid: su-few\ncorrelation:\n  type: value_count\n"
        "  rules: [su_run]\n  group-by: [User]\n  timespan: 1m\n"
        "  generate: true\n  condition: {field: CommandLine, gt: 0, lt: 3}\n");
  std::string log;
  const char* const users[] = {"alice", "bob", "carol"};
  for (int k = 0; k < 60; ++k) {
    char ts[32];
    std::snprintf(ts, sizeof ts, "2026-12-07T10:%02d:%02dZ", k * 7 / 60, k * 7 % 60);
    log += std::string("{\"@timestamp\":\"") + ts +
           "\",\"event\":{\"category\":[\"process\"],\"action\":\"exec\"},\"process\":{"
           "\"executable\":\"/bin/su\",\"pid\":" +
           std::to_string(100 + k) + ",\"command_line\":\"su u" + std::to_string(k % (k % 3 + 2)) +
           "\"},\"user\":{\"name\":\"" + users[k % 3] + "\"}}\n";
  }
  write("events.jsonl", log);
  const Outcome a = replay_twice();
  EXPECT_NE(a.out.find("\"su-many\""), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("\"su-few\""), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("distinct values of process.command_line within 1m (condition: gte 3) = 3"),
            std::string::npos)
      << a.out;
}

}  // namespace

namespace {

// `run` as an unprivileged user cannot collect live events. Without a configuration it says so
// loudly and replays the bundled sample as a demonstration; with one it fails (exit 1): a
// configured agent never pretends to watch its host.
TEST_F(CliTest, RunWithoutPrivilegesNeverSilentlyBecomesAReplay) {
  if (::geteuid() != 0 || std::system("command -v setpriv >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs root and setpriv to run as nobody";
  }
  const fs::path err = dir_ / "err";
  const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups " +
                                std::string(WSN_CLI_PATH) + " run --duration 2 ";
  int status = std::system((as_nobody + ">/dev/null 2>" + err.string() + " </dev/null").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string text = slurp(err);
  EXPECT_NE(text.find("wasm-sentinel: ebpf: live collection unavailable"), std::string::npos)
      << text;
  EXPECT_NE(text.find("wasm-sentinel: warning: NOT MONITORING THIS HOST: no event source can run "
                      "here (reasons above), so this is a demonstration"),
            std::string::npos)
      << text;

  write("agent.yml", "sinks:\n  sqlite: {enabled: false}\nhttp: {enabled: false}\n");
  status = std::system((as_nobody + "-c " + (dir_ / "agent.yml").string() + " >/dev/null 2>" +
                        err.string() + " </dev/null")
                           .c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  text = slurp(err);
  EXPECT_NE(text.find("wasm-sentinel: error: not monitoring this host: no source of " +
                      (dir_ / "agent.yml").string() + " can run here"),
            std::string::npos)
      << text;
}

// A replay to a non-terminal prints plain progress lines at the status interval; --quiet
// silences them.
TEST_F(CliTest, ReplayProgressLinesOnANonTerminal) {
  write("rules/r.yml", "id: t.r\nname: R\ntype: eql\nquery: process where process.pid == -1\n");
  {
    std::ofstream log(dir_ / "big.jsonl");
    for (int k = 0; k < 400000; ++k) {
      log << "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"event\":{\"category\":[\"process\"]},"
             "\"process\":{\"pid\":"
          << k << ",\"name\":\"sh\",\"command_line\":\"/bin/sh -c true\"}}\n";
    }
  }
  const std::string args = "replay " + (dir_ / "big.jsonl").string() + " -r " +
                           (dir_ / "rules").string() + " --status-interval 0.05";
  Outcome o = run_cli(args);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::istringstream lines(o.err);
  std::string line;
  int progress = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("wasm-sentinel: progress: ", 0) != 0) continue;
    ++progress;
    // "wasm-sentinel: progress: 45% of 27.0 MiB, 123456 events (150000 events/s), 0 alerts, ETA 1
    // s"
    EXPECT_NE(line.find("% of "), std::string::npos) << line;
    EXPECT_NE(line.find(" MiB, "), std::string::npos) << line;
    EXPECT_NE(line.find(" events ("), std::string::npos) << line;
    EXPECT_NE(line.find(" events/s), 0 alerts"), std::string::npos) << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << "no bar redrawing off a terminal";
  }
  EXPECT_GE(progress, 1) << o.err;
  EXPECT_NE(o.err.find("400000 events processed"), std::string::npos) << o.err;

  o = run_cli(args + " -q");
  EXPECT_EQ(o.err.find("progress:"), std::string::npos) << o.err;
}

}  // namespace

namespace {

// A live run prints a one-line status at the status interval: events/s, events, drops, alerts,
// rules, RSS.
TEST_F(CliTest, LiveRunPrintsAPeriodicStatusLine) {
  write("rules/r.yml", "id: t.r\nname: R\ntype: eql\nquery: process where process.pid == -1\n");
  write("stdin.yml",
        "sources:\n  ebpf: {enabled: false}\n  stdin: {enabled: true}\nsinks:\n  sqlite: "
        "{enabled: false}\nhttp: {enabled: false}\n");
  const fs::path err = dir_ / "err";
  const std::string cmd = "sleep 3 | " + std::string(WSN_CLI_PATH) + " run -c " +
                          (dir_ / "stdin.yml").string() + " -r " + (dir_ / "rules").string() +
                          " --duration 1 --status-interval 0.2 >/dev/null 2>" + err.string();
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::string text = slurp(err);
  std::istringstream lines(text);
  std::string line;
  int seen = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("wasm-sentinel: status: ", 0) != 0) continue;
    ++seen;
    // "wasm-sentinel: status: 0 events/s, 0 events, 0 dropped, 0 lost, 0 alerts, 1 rules, RSS 9.1
    // MiB"
    EXPECT_NE(line.find(" events/s, 0 events, 0 dropped, 0 lost, 0 alerts, 1 rules, RSS "),
              std::string::npos)
        << line;
    EXPECT_EQ(line.substr(line.size() - 4), " MiB") << line;
  }
  EXPECT_GE(seen, 2) << text;
}

}  // namespace

namespace {

// On a terminal a replay redraws one progress bar in place, and clears it before the summary.
TEST_F(CliTest, ReplayProgressBarOnATerminal) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs script(1)";
  write("rules/r.yml", "id: t.r\nname: R\ntype: eql\nquery: process where process.pid == -1\n");
  {
    std::ofstream log(dir_ / "big.jsonl");
    for (int k = 0; k < 400000; ++k) {
      log << "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"event\":{\"category\":[\"process\"]},"
             "\"process\":{\"pid\":"
          << k << ",\"name\":\"sh\",\"command_line\":\"/bin/sh -c true\"}}\n";
    }
  }
  const fs::path tty = dir_ / "tty";
  const std::string cmd = "script -qc '" + std::string(WSN_CLI_PATH) + " replay " +
                          (dir_ / "big.jsonl").string() + " -r " + (dir_ / "rules").string() +
                          // Redrawn every 20 ms: the replay takes ~0.2 s, less than the default
                          // 200 ms between redraws on a fast machine.
                          " --status-interval 0.02 >/dev/null' " + tty.string() +
                          " >/dev/null 2>&1 </dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string text = slurp(tty);
  // "\r[#####.....]  34% 21.5 MiB/61.7 MiB  206336 events  988431 events/s  0 alerts  ETA 1
  // s\x1b[K"
  EXPECT_NE(text.find("\r["), std::string::npos) << text.substr(0, 500);
  EXPECT_NE(text.find(" MiB  "), std::string::npos) << text.substr(0, 500);
  EXPECT_NE(text.find(" events/s  0 alerts"), std::string::npos) << text.substr(0, 500);
  EXPECT_NE(text.find("\r\x1b[Kwasm-sentinel: 400000 events processed"), std::string::npos)
      << text.substr(0, 500);
  EXPECT_EQ(text.find("progress:"), std::string::npos) << "a bar, not plain lines";
}

}  // namespace
