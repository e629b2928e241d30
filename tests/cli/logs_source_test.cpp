// The `logs` source through the binary: `run` with only the log files (no root needed) follows
// an auth.log; a rule on its ssh_login events, and SigmaHQ's sshd and useradd rules (read in
// place from WSN_SHARED_DIR, unmodified), alert on lines appended while it runs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using wsn::cli_test::slurp;

TEST(LogsSourceCli, RunFollowsAnAuthLogAndAlertsOnAppendedLines) {
  const fs::path dir = fs::temp_directory_path() / ("wsn_logs_cli_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path auth = dir / "auth.log", alerts = dir / "alerts.jsonl", err = dir / "err";
  std::ofstream(auth) << "2026-12-07T10:00:00+00:00 h sshd[1]: Failed password for root from "
                         "192.0.2.1 port 1 ssh2\n";  // before the run: not read
  std::ofstream(dir / "rule.yml") << "id: t.ssh_failed\nname: SSH login failed\ntype: eql\n"
                                     "query: |\n  authentication where event.action == "
                                     "\"ssh_login\" and event.outcome == \"failure\"\n";
  std::ofstream(dir / "cfg.yml") << "sources:\n  ebpf:\n    enabled: false\n  logs:\n"
                                    "    enabled: true\n    auth: ["
                                 << auth.string() << "]\n    syslog: []\n    auditd: []\n"
                                 << "    poll: 20ms\n";
  const pid_t pid = fork();
  if (pid == 0) {
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(e, 1);
    dup2(e, 2);
    const std::string c = (dir / "cfg.yml").string(), r = (dir / "rule.yml").string(),
                      o = alerts.string();
    const std::string sigma =
        std::string(WSN_SHARED_DIR) + "/conformance/sigma/rules/linux/builtin/";
    const std::string sshd = sigma + "sshd/lnx_sshd_susp_ssh.yml",
                      useradd = sigma + "lnx_privileged_user_creation.yml";
    execl(WSN_CLI_PATH, WSN_CLI_PATH, "run", "-c", c.c_str(), "-r", r.c_str(), "-r", sshd.c_str(),
          "-r", useradd.c_str(), "--output", o.c_str(), "--duration", "30", nullptr);
    _exit(127);
  }
  bool ready = false;
  for (int k = 0; k < 500 && !ready; ++k) {
    ready = slurp(err).find("sources: logs") != std::string::npos;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(ready) << slurp(err);
  std::ofstream(auth, std::ios::app)
      << "2026-12-07T10:00:05+00:00 h sshd[2]: Failed password for invalid user oracle from "
         "203.0.113.9 port 4711 ssh2\n"
      << "2026-12-07T10:00:06+00:00 h sshd[3]: Corrupted MAC on input. [preauth]\n"
      << "2026-12-07T10:00:07+00:00 h useradd[4]: new user: name=john, UID=0, GID=0, "
         "home=/home/john, shell=/bin/bash, from=/dev/pts/0\n";
  const char* ids[] = {"t.ssh_failed", "e76b413a-83d0-4b94-8e4c-85db4a5b8bdc",
                       "0ac15ec3-d24f-4246-aa2a-3077bb1cf90e"};
  std::string text;
  auto all_seen = [&] {
    for (const char* id : ids) {
      if (text.find(std::string("\"id\":\"") + id + "\"") == std::string::npos) return false;
    }
    return true;
  };
  for (int k = 0; k < 500 && !all_seen(); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    text = slurp(alerts);
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(err);
  for (const char* id : ids) {
    EXPECT_NE(text.find(std::string("\"id\":\"") + id + "\""), std::string::npos) << id << "\n"
                                                                                  << text;
  }
  EXPECT_NE(text.find("\"user\":{\"name\":\"oracle\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"source\":{\"ip\":\"203.0.113.9\",\"port\":4711}"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("192.0.2.1"), std::string::npos) << "read a line written before the run";
  fs::remove_all(dir);
}

}  // namespace
