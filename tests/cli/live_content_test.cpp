// Third-party content, loaded unmodified (read in place from WSN_SHARED_DIR), fires on real
// commands run on this host while `wasm-sentinel run` collects live events: Elastic's Linux
// detection rules (tests/cli/data/elastic_live_steps.tsv) and SigmaHQ's Linux rules
// (tests/cli/data/sigma_live_steps.tsv). Each step raises its rule, by id, from that step's own
// processes (or, for a log line, after the step), and a quiet period of ordinary activity
// before them raises none. Needs root and a kernel that runs the collector (CI is root); skips
// otherwise.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using wsn::cli_test::slurp;

struct Step {
  std::string rule_id;
  std::string command;
  int line = 0;
  std::vector<std::string> needs;  // programs the step runs that a host may lack (e.g. sudo)
};

// "<rule id><TAB><command>[<TAB><program> …]".
std::vector<Step> read_steps(const fs::path& file) {
  std::vector<Step> out;
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      ADD_FAILURE() << file << ":" << n << ": expected <rule_id><TAB><command>";
      continue;
    }
    Step s{line.substr(0, tab), line.substr(tab + 1), n, {}};
    if (const size_t more = s.command.find('\t'); more != std::string::npos) {
      std::istringstream needs(s.command.substr(more + 1));
      for (std::string program; needs >> program;) s.needs.push_back(program);
      s.command.resize(more);
    }
    out.push_back(std::move(s));
  }
  return out;
}

// The first program of `needs` that is not on PATH ("" when all are).
std::string missing_program(const std::vector<std::string>& needs) {
  for (const std::string& p : needs) {
    const std::string check = "command -v '" + p + "' >/dev/null 2>&1";
    if (std::system(check.c_str()) != 0) return p;
  }
  return "";
}

// What an alert says: its rule and the working directories of its events' processes.
struct Alert {
  std::string rule_id;
  std::set<std::string> dirs;
};

std::vector<Alert> read_alerts(const fs::path& file) {
  std::vector<Alert> out;
  std::istringstream in(slurp(file));
  std::string line;
  simdjson::dom::parser parser;
  // Only whole lines: the sink may be writing the last one while it is read.
  while (std::getline(in, line) && !in.eof()) {
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) != simdjson::SUCCESS) {
      ADD_FAILURE() << "alert line is not JSON: " << line.substr(0, 200);
      continue;
    }
    Alert a;
    std::string_view id;
    if (doc["rule"]["id"].get(id) == simdjson::SUCCESS) a.rule_id = std::string(id);
    simdjson::dom::array events;
    if (doc["events"].get(events) == simdjson::SUCCESS) {
      for (simdjson::dom::element e : events) {
        std::string_view dir;
        if (e["process"]["working_directory"].get(dir) == simdjson::SUCCESS) {
          a.dirs.emplace(dir);
        }
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

// One body of content: its rules (under WSN_SHARED_DIR) and its steps file (under tests/cli/data).
struct Content {
  const char* name;
  const char* rules;
  const char* steps;
  // Also follow an auth.log of the test's own with the logs source: steps append to the file
  // named by $WSN_AUTH_LOG (this host runs no syslog daemon to write one).
  bool auth_log;
  size_t min_steps;  // what the issue asks to be shown
  // Whether ordinary activity must raise no alert of this content at all. SigmaHQ ships
  // low-level discovery rules meant to flag `id`, `uname`, `rm`, `ls` …: for it, only the rules
  // the steps target must stay silent during the quiet period.
  bool quiet_raises_nothing;
};

void PrintTo(const Content& c, std::ostream* os) {
  *os << c.name;
}

class LiveContent : public ::testing::TestWithParam<Content> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (live eBPF collection); CI runs as root";
    rules_ = fs::path(WSN_SHARED_DIR) / GetParam().rules;
    ASSERT_TRUE(fs::is_directory(rules_)) << "the shared rules are missing: " << rules_;
    dir_ = fs::temp_directory_path() /
           ("wsn_live_" + std::string(GetParam().name) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Starts `run` with the Elastic rules; false (the caller skips) when the collector cannot
  // run on this kernel.
  bool start() {
    err_ = dir_ / "run.err";
    alerts_ = dir_ / "alerts.jsonl";
    pid_ = fork();
    if (pid_ == 0) {
      const int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(e, 1);
      dup2(e, 2);
      const std::string rules = rules_.string(), out = alerts_.string(),
                        config = (dir_ / "config.yml").string();
      std::ofstream(config) << "sources:\n  logs:\n    enabled: "
                            << (GetParam().auth_log ? "true" : "false") << "\n    auth: ["
                            << (dir_ / "auth.log").string()
                            << "]\n    syslog: []\n    auditd: []\n    poll: 50ms\n";
      const char* argv[] = {WSN_CLI_PATH, "run",         "-c",       config.c_str(),
                            "-r",         rules.c_str(), "--output", out.c_str(),
                            "--duration", "600",         nullptr};
      execv(WSN_CLI_PATH, const_cast<char* const*>(argv));
      _exit(127);
    }
    for (int k = 0; k < 6000; ++k) {
      const std::string text = slurp(err_);
      if (text.find("live collection unavailable") != std::string::npos) return false;
      if (text.find("live detection with") != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "never ready: " << slurp(err_);
    return false;
  }
  // Runs `command` with bash in `cwd`; returns its exit status.
  static int sh(const fs::path& cwd, const std::string& command) {
    const pid_t p = fork();
    if (p == 0) {
      if (::chdir(cwd.c_str()) != 0) _exit(126);
      ::setenv("WSN_AUTH_LOG", (cwd.parent_path() / "auth.log").c_str(), 1);
      ::setenv("WSN_SYSLOG_CAPTURE", WSN_SYSLOG_CAPTURE_PATH, 1);  // syslog_capture.cpp
      execl("/bin/bash", "bash", "-c", command.c_str(), nullptr);
      _exit(127);
    }
    int status = 0;
    waitpid(p, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  int stop() {
    kill(pid_, SIGINT);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path rules_, dir_, err_, alerts_;
  pid_t pid_ = -1;
};

TEST_P(LiveContent, RealCommandsRaiseTheirRulesAndOrdinaryActivityNone) {
  std::vector<Step> steps;
  for (Step& s : read_steps(fs::path(WSN_SOURCE_DIR) / "tests/cli/data" / GetParam().steps)) {
    if (const std::string p = missing_program(s.needs); !p.empty()) {
      // Said in the output, not failed: the step cannot run on this host (install-deps.sh
      // installs what the steps need).
      std::printf("[  SKIPPED ] step %s:%d (rule %s): '%s' is not installed\n", GetParam().steps,
                  s.line, s.rule_id.c_str(), p.c_str());
      continue;
    }
    steps.push_back(std::move(s));
  }
  ASSERT_GE(steps.size(), GetParam().min_steps);
  if (!start()) GTEST_SKIP() << "live collection unavailable here: " << slurp(err_);

  // Quiet period: what an administrator does all day, in its own directory.
  const fs::path quiet = dir_ / "quiet";
  fs::create_directories(quiet);
  const char* ordinary =
      "ls -la /etc >/dev/null; cat /etc/hostname /etc/os-release >/dev/null; ps aux >/dev/null; "
      "date; uname -a; id; whoami; hostname; df -h >/dev/null; grep -c root /etc/passwd; "
      "env | wc -l; sort /etc/services | head -n 3; python3 -c 'print(6 * 7)'; "
      "perl -e 'print 1'; awk 'END { print NR }' /etc/passwd; sed -n 1p /etc/hosts; "
      "cp /etc/hosts hosts.copy && mv hosts.copy hosts.moved && chmod 0640 hosts.moved && "
      "rm hosts.moved; mkdir sub && touch sub/notes.txt && tar czf notes.tgz sub && "
      "gzip -t notes.tgz && rm -rf sub notes.tgz; sh -c 'echo ok' ; find /usr/share/doc -maxdepth "
      "1 -name bash; systemctl --version >/dev/null 2>&1; stat /etc/passwd >/dev/null; "
      "xargs -n1 echo <<< 'a b' >/dev/null; sleep 0.2";
  ASSERT_EQ(sh(quiet, std::string(ordinary) + " >/dev/null"), 0);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // events → alerts → the file
  std::set<std::string> targeted;
  for (const Step& s : steps) targeted.insert(s.rule_id);
  // Only alerts on the quiet period's own processes count: other tests run beside this one and
  // the host has its own activity, which this content may well flag.
  for (const Alert& a : read_alerts(alerts_)) {
    if (!a.dirs.count(quiet.string())) continue;
    if (GetParam().quiet_raises_nothing) {
      ADD_FAILURE() << "ordinary activity raised " << a.rule_id;
    } else {
      EXPECT_FALSE(targeted.count(a.rule_id)) << "ordinary activity raised " << a.rule_id;
    }
  }

  // The attack steps, each in a directory of its own.
  std::vector<fs::path> step_dirs;
  for (size_t k = 0; k < steps.size(); ++k) {
    step_dirs.push_back(dir_ / ("step" + std::to_string(k)));
    fs::create_directories(step_dirs.back());
    EXPECT_EQ(sh(step_dirs.back(), steps[k].command), 0)
        << "tests/cli/data/" << GetParam().steps << ":" << steps[k].line << " failed";
  }
  // Each rule raised an alert on its own step's processes (a sequence: on some of its events).
  auto missing = [&] {
    const std::vector<Alert> alerts = read_alerts(alerts_);
    std::vector<size_t> out;
    for (size_t k = 0; k < steps.size(); ++k) {
      bool seen = false;
      for (const Alert& a : alerts) {
        // A log line's event has no process working directory: its rule's alert is the step's.
        seen = seen || (a.rule_id == steps[k].rule_id &&
                        (a.dirs.count(step_dirs[k].string()) || a.dirs.empty()));
      }
      if (!seen) out.push_back(k);
    }
    return out;
  };
  for (int k = 0; k < 150 && !missing().empty(); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::vector<Alert> alerts = read_alerts(alerts_);
  for (size_t k : missing()) {
    std::string seen;  // where the rule did fire, to tell a miss from a misattribution
    for (const Alert& a : alerts) {
      if (a.rule_id != steps[k].rule_id) continue;
      for (const std::string& d : a.dirs) seen += " " + d;
    }
    ADD_FAILURE() << "rule " << steps[k].rule_id << " did not fire on its step (line "
                  << steps[k].line << ", " << step_dirs[k] << "): " << steps[k].command
                  << "\n  its alerts name the directories:" << (seen.empty() ? " none" : seen)
                  << "\n  run: " << slurp(err_).substr(slurp(err_).rfind("wasm-sentinel: live"));
  }
  EXPECT_EQ(stop(), 0) << slurp(err_);
}

INSTANTIATE_TEST_SUITE_P(
    Content, LiveContent,
    ::testing::Values(Content{"Elastic", "conformance/elastic-detection-rules/rules/linux",
                              "elastic_live_steps.tsv", false, 15, true},
                      Content{"SigmaHQ", "conformance/sigma/rules/linux", "sigma_live_steps.tsv",
                              true, 10, false}),
    [](const ::testing::TestParamInfo<Content>& i) { return std::string(i.param.name); });

}  // namespace
