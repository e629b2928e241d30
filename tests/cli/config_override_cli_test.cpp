// `-o KEY=VALUE` on the command line (docs/cli.md "Configuration overrides"): checked like the
// configuration file, with `--output FILE` for the alerts file and the old `-o FILE` deprecated.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_test_util.h"

namespace wsn {
namespace {

using cli_test::Outcome;
using cli_test::slurp;
namespace fs = std::filesystem;

const std::string kSample = std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl";
const std::string kRules = std::string(WSN_SOURCE_DIR) + "/rules";

class ConfigOverrideCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_override_cli." + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Runs the CLI in dir_ (so a stray output file would land there).
  Outcome run(const std::string& args) {
    const std::string cmd = "cd " + dir_.string() + " && " + WSN_CLI_PATH + " " + args +
                            " >out.txt 2>err.txt </dev/null";
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = slurp(dir_ / "out.txt");
    o.err = slurp(dir_ / "err.txt");
    fs::remove(dir_ / "out.txt");
    fs::remove(dir_ / "err.txt");
    return o;
  }
  fs::path dir_;
};

TEST_F(ConfigOverrideCli, FalcosJsonOutputIsAnUnknownKeyNotAFileName) {
  const Outcome r = run("replay -q " + kSample + " -o json_output=true");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err,
            "-o json_output=true: error: unknown configuration key 'json_output' (the alert "
            "format is sinks.stdout.format; known: version, rules, schema, sources, limits, "
            "alerts, sinks, actions, http, response)\n");
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(fs::is_empty(dir_)) << "no file may be written";
}

TEST_F(ConfigOverrideCli, AnOverrideChangesTheRunAndIsCheckedLikeTheFile) {
  Outcome r = run("replay -q " + kSample + " -o sinks.stdout.format=text");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("2026-11-20T09:41:03.273Z HIGH wsn.linux.web_server_spawns_shell ", 0), 0u)
      << r.out.substr(0, 200);
  r = run("replay -q " + kSample + " -o sinks.stdout.format=xml");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err,
            "-o sinks.stdout.format=xml: error: sinks.stdout.format: expected json or text, got "
            "'xml'\n");
  // Applied after the file: the file says json, the override text.
  std::ofstream(dir_ / "c.yml") << "sinks:\n  stdout:\n    format: json\n";
  r = run("replay -q " + kSample + " -c c.yml -o sinks.stdout.format=text");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find('{'), std::string::npos) << "text, not JSON";
}

TEST_F(ConfigOverrideCli, ValidateChecksOverridesToo) {
  const Outcome r = run("validate -r " + kRules + " -o limits.batch_size=0");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("-o limits.batch_size=0: error: limits.batch_size: must be between 1 and "
                       "65536, got 0\n"),
            std::string::npos)
      << r.err;
  const Outcome ok = run("validate -r " + kRules + " -o alerts.dedupe.window=5s");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("validate: configuration (the defaults with -o overrides) OK"),
            std::string::npos)
      << ok.out;
  const Outcome bare = run("validate -r " + kRules + " -o alerts.jsonl");
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_NE(bare.err.find("-o alerts.jsonl: expected KEY=VALUE"), std::string::npos) << bare.err;
}

TEST_F(ConfigOverrideCli, OutputIsTheLongOptionAndTheOldDashOIsDeprecated) {
  Outcome r = run("replay -q " + kSample + " --output alerts.jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string with_long = slurp(dir_ / "alerts.jsonl");
  EXPECT_FALSE(with_long.empty());
  fs::remove(dir_ / "alerts.jsonl");
  r = run("replay -q " + kSample + " -o alerts.jsonl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "wasm-sentinel: warning: '-o alerts.jsonl' as the output file is deprecated; write "
            "'--output alerts.jsonl' (-o now takes KEY=VALUE configuration overrides)\n");
  EXPECT_EQ(slurp(dir_ / "alerts.jsonl"), with_long);
  r = run("replay -q " + kSample + " --output a.jsonl -o b.jsonl");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the output file is already given with --output"), std::string::npos)
      << r.err;
}

TEST_F(ConfigOverrideCli, RecordNeedsAnOutput) {
  const Outcome r = run("record --duration 1 -o sources.ebpf.hooks=all");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("record needs --output FILE"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace wsn
