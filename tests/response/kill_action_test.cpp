// The kill response action against real child processes (root), dry-run leaving them alive,
// and the audit records and counters of ResponseActions.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "response/kill/kill_action.h"
#include "response/response_actions.h"
#include "wsn/plugins.h"

extern char** environ;

namespace wsn::response {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A `sleep 60` child, reaped (and killed if still alive) at the end.
class Child {
 public:
  Child() {
    start_ns_ = now_ns();
    char arg0[] = "sleep", arg1[] = "60";
    char* argv[] = {arg0, arg1, nullptr};
    if (posix_spawnp(&pid_, "sleep", nullptr, nullptr, argv, environ) != 0) pid_ = -1;
    // Wait (bounded) until the child has exec'ed, so /proc shows "sleep".
    for (int k = 0; k < 200 && pid_ > 0; ++k) {
      std::ifstream comm("/proc/" + std::to_string(pid_) + "/comm");
      std::string name;
      if (comm >> name && name == "sleep") break;
      std::this_thread::sleep_for(5ms);
    }
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  int64_t start_ns() const { return start_ns_; }
  // The signal that ended the child, 0 if it is still running after `wait`.
  int wait_for_signal(std::chrono::milliseconds wait) {
    const auto end = std::chrono::steady_clock::now() + wait;
    do {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
      }
      std::this_thread::sleep_for(5ms);
    } while (std::chrono::steady_clock::now() < end);
    return 0;
  }
  bool alive() const { return ::kill(pid_, 0) == 0; }

 private:
  pid_t pid_ = -1;
  int64_t start_ns_ = 0;
  bool reaped_ = false;
};

bool is_root() {
  return ::geteuid() == 0;
}

TEST(KillAction, KillsARealChildThroughAPidfd) {
  if (!is_root()) GTEST_SKIP() << "the kill action test needs root (CI runs as root)";
  Child child;
  ASSERT_GT(child.pid(), 0);
  const KillOutcome o = kill_process({child.pid(), "sleep", child.start_ns()}, /*dry_run=*/false);
  EXPECT_EQ(o.result, KillResult::kKilled) << o.detail;
  EXPECT_EQ(child.wait_for_signal(5s), SIGKILL);
}

TEST(KillAction, DryRunChecksTheTargetAndLeavesItAlive) {
  if (!is_root()) GTEST_SKIP() << "the kill action test needs root (CI runs as root)";
  Child child;
  ASSERT_GT(child.pid(), 0);
  const KillOutcome o = kill_process({child.pid(), "sleep", child.start_ns()}, /*dry_run=*/true);
  EXPECT_EQ(o.result, KillResult::kDryRun) << o.detail;
  EXPECT_EQ(child.wait_for_signal(300ms), 0) << "still running";
  EXPECT_TRUE(child.alive());
}

TEST(KillAction, RefusesAProcessThatIsNotTheOneInTheAlert) {
  if (!is_root()) GTEST_SKIP() << "the kill action test needs root (CI runs as root)";
  Child child;
  ASSERT_GT(child.pid(), 0);
  KillOutcome o = kill_process({child.pid(), "bash", 0}, false);
  EXPECT_EQ(o.result, KillResult::kRefused);
  EXPECT_NE(o.detail.find("is 'sleep', not 'bash' (pid reused?)"), std::string::npos) << o.detail;
  o = kill_process({child.pid(), "sleep", child.start_ns() - int64_t{3600} * 1'000'000'000}, false);
  EXPECT_EQ(o.result, KillResult::kRefused) << o.detail;
  EXPECT_EQ(child.wait_for_signal(200ms), 0);
  EXPECT_TRUE(child.alive());
  // Name alone (no start time in the event) is enough to pass the checks.
  o = kill_process({child.pid(), "sleep", 0}, true);
  EXPECT_EQ(o.result, KillResult::kDryRun);
}

TEST(KillAction, NeverTargetsInitOrItselfAndReportsGoneProcesses) {
  EXPECT_EQ(kill_process({1, "", 0}, false).result, KillResult::kRefused);
  EXPECT_EQ(kill_process({0, "", 0}, false).result, KillResult::kRefused);
  EXPECT_EQ(kill_process({-5, "", 0}, false).result, KillResult::kRefused);
  EXPECT_EQ(kill_process({::getpid(), "", 0}, false).result, KillResult::kRefused);
  // A pid that exited (and was reaped) is gone.
  pid_t pid = 0;
  char arg0[] = "true";
  char* argv[] = {arg0, nullptr};
  ASSERT_EQ(posix_spawnp(&pid, "true", nullptr, nullptr, argv, environ), 0);
  ::waitpid(pid, nullptr, 0);
  EXPECT_EQ(kill_process({pid, "true", 0}, false).result, KillResult::kGone);
}

// The action as the registry builds it (the `kill` plug-in with default settings).
std::vector<std::unique_ptr<ResponseAction>> kill_actions() {
  const ActionPlugin* p = PluginRegistry::builtin().action("kill");
  EXPECT_NE(p, nullptr);
  ActionContext ctx;
  auto a = p->create(PluginConfig{}, ctx);
  EXPECT_TRUE(a.ok());
  std::vector<std::unique_ptr<ResponseAction>> out;
  out.push_back(std::move(a.value()));
  return out;
}

TEST(ResponseActions, AuditRecordAndCounterPerAction) {
  if (!is_root()) GTEST_SKIP() << "the kill action test needs root (CI runs as root)";
  const fs::path dir = fs::temp_directory_path() / ("wsn_resp_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string audit = (dir / "audit" / "audit.jsonl").string();
  metrics::Registry reg;
  Child victim, survivor;
  ASSERT_GT(victim.pid(), 0);
  {
    RuleMeta rule;
    rule.id = "t.kill";
    rule.name = "kill test";
    rule.actions = {"kill"};
    auto live = ResponseActions::open({.dry_run = false, .audit_log = audit}, kill_actions(), &reg);
    ASSERT_TRUE(live.ok());
    EXPECT_FALSE(fs::exists(audit)) << "the audit log appears with the first action";
    Event e;
    e.set_int(fields::kProcessPid, victim.pid());
    e.set_string(fields::kProcessName, "sleep");
    e.set_string(fields::kHostName, "h");
    e.set_timestamp(fields::kTimestamp, 5'000'000'000);
    const Event* ev = &e;
    live.value()->on_detection(rule, {&ev, 1});
    EXPECT_EQ(victim.wait_for_signal(5s), SIGKILL);

    auto dry = ResponseActions::open({.dry_run = true, .audit_log = audit}, kill_actions(), &reg);
    ASSERT_TRUE(dry.ok());
    Event s;
    s.set_int(fields::kProcessPid, survivor.pid());
    s.set_string(fields::kProcessName, "sleep");
    const Event* sv = &s;
    dry.value()->on_detection(rule, {&sv, 1});
    dry.value()->on_detection(rule, {&sv, 1});
    EXPECT_TRUE(survivor.alive());
    EXPECT_EQ(dry.value()->count("kill", "dry_run"), 2u);
    EXPECT_EQ(live.value()->count("kill", "killed"), 1u);
  }
  std::ifstream in(audit);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(lines[0]).get(doc), simdjson::SUCCESS) << lines[0];
  EXPECT_EQ(std::string_view(doc["action"]), "kill");
  EXPECT_EQ(std::string_view(doc["result"]), "killed");
  EXPECT_FALSE(bool(doc["dry_run"]));
  EXPECT_EQ(std::string_view(doc["rule"]["id"]), "t.kill");
  EXPECT_EQ(int64_t(doc["target"]["pid"]), victim.pid());
  EXPECT_EQ(std::string_view(doc["event_time"]), "1970-01-01T00:00:05.000Z");
  ASSERT_EQ(p.parse(lines[2]).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(doc["result"]), "dry_run");
  EXPECT_TRUE(bool(doc["dry_run"]));
  const std::string text = reg.render();
  EXPECT_NE(text.find("wsn_response_actions_total{action=\"kill\",result=\"killed\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("wsn_response_actions_total{action=\"kill\",result=\"dry_run\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(fs::status(audit).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wsn::response
