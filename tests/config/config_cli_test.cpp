// `--config` end to end through the wasm-sentinel binary: validate's errors and exit code, and a
// replay whose configuration sends alerts to a rotating file and the SQLite store while standard
// output stays as it was.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "alert/sinks/sqlite/alert_store.h"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ConfigCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_cfgcli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Outcome run(const std::string& args) {
    const std::string cmd = std::string(WSN_CLI_PATH) + " " + args + " >" +
                            (dir_ / "out").string() + " 2>" + (dir_ / "err").string() +
                            " </dev/null";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir_ / "out"), slurp(dir_ / "err")};
  }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  fs::path dir_;
};

TEST_F(ConfigCliTest, ValidateReportsBadValuesByKeyPathAndExits3) {
  const fs::path cfg =
      write("bad.yml", "sinks:\n  webhook:\n    url: ftp://x\nhttp:\n  listen: nowhere\n");
  const Outcome o = run("validate --config " + cfg.string());
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_NE(o.err.find(cfg.string() +
                       ":3:10: error: sinks.webhook.url: must start with http:// or https://"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find(cfg.string() + ":5:11: error: http.listen: "), std::string::npos) << o.err;
  const Outcome ok = run("validate --config " + write("ok.yml", "version: 1\n").string());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("configuration " + (dir_ / "ok.yml").string() + " OK"), std::string::npos);
  EXPECT_EQ(run("replay - --config " + cfg.string()).exit_code, 3);
}

TEST_F(ConfigCliTest, ReplayWritesTheConfiguredSinksAndKeepsStdout) {
  const std::string log = std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl";
  const Outcome plain = run("replay " + log);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const fs::path cfg = write("c.yml",
                             "sinks:\n"
                             "  file: {path: alerts.jsonl, max_size: 1MiB, max_files: 3}\n"
                             "  sqlite: {enabled: true, path: store/alerts.db}\n");
  const Outcome o = run("replay " + log + " --config " + cfg.string());
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, plain.out) << "stdout is unchanged by extra sinks";
  std::string file;
  for (const char* name : {"alerts.jsonl.2", "alerts.jsonl.1", "alerts.jsonl"}) {
    if (fs::exists(dir_ / name)) file += slurp(dir_ / name);
  }
  EXPECT_EQ(file, plain.out) << "the rotated files hold the same alerts";
  auto store =
      wsn::AlertStore::open({.path = (dir_ / "store/alerts.db").string(), .create = false});
  ASSERT_TRUE(store.ok()) << store.error().message;
  const size_t lines = static_cast<size_t>(std::count(plain.out.begin(), plain.out.end(), '\n'));
  EXPECT_EQ(store.value()->count().value(), lines);
  auto newest = store.value()->recent(1);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest.value()[0].json + "\n",
            plain.out.substr(plain.out.rfind('\n', plain.out.size() - 2) + 1));
}

}  // namespace
