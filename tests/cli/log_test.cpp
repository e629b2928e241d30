// Binary flight-recorder logs through the wasm-sentinel binary: a JSON-lines log converted to
// .wsnlog (written by EventRecorder, as `record` writes) replays to byte-identical alerts;
// `log cat` output replays to the same alerts; `query` reads .wsnlog; `log stats --json`.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_test_util.h"

namespace {

namespace fs = std::filesystem;

using wsn::cli_test::Outcome;
using wsn::cli_test::run_cli;
using wsn::cli_test::slurp;

const std::string kSample = std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl";

class LogCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_log_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(LogCli, ReplayOfTheBinaryLogGivesByteIdenticalAlerts) {
  const std::string bin = path("sample.wsnlog");
  const Outcome conv = run_cli("log convert " + kSample + " " + bin, dir_);
  ASSERT_EQ(conv.exit_code, 0) << conv.err;
  EXPECT_EQ(slurp(bin).substr(0, 6), "WSNLOG");
  EXPECT_EQ(fs::status(bin).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_LT(fs::file_size(bin) * 3, fs::file_size(kSample));

  const Outcome json = run_cli("replay -q " + kSample, dir_);
  const Outcome binary = run_cli("replay -q " + bin, dir_);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  ASSERT_EQ(binary.exit_code, 0) << binary.err;
  ASSERT_FALSE(json.out.empty());
  EXPECT_EQ(binary.out, json.out);
  EXPECT_EQ(binary.err, "");

  // A binary log named otherwise is still found by its magic.
  fs::copy_file(bin, path("renamed.log"));
  EXPECT_EQ(run_cli("replay -q " + path("renamed.log"), dir_).out, json.out);

  // log cat | replay - gives the same alerts.
  const std::string cli = WSN_CLI_PATH;
  const std::string piped = path("piped.json");
  ASSERT_EQ(std::system((cli + " log cat " + bin + " | " + cli + " replay -q - >" + piped).c_str()),
            0);
  EXPECT_EQ(slurp(piped), json.out);
  const Outcome cat = run_cli("log cat " + bin, dir_);
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  std::ofstream(path("cat.jsonl")) << cat.out;
  EXPECT_EQ(run_cli("replay -q " + path("cat.jsonl"), dir_).out, json.out);
}

// `run --record x.wsnlog` keeps the events and the alerts the run raised (here the live
// source is stdin, so no root is needed).
TEST_F(LogCli, RunRecordKeepsEventsAndAlerts) {
  std::ofstream(path("cfg.yml")) << "sources:\n  ebpf:\n    enabled: false\n  stdin:\n"
                                    "    enabled: true\n";
  const std::string cli = WSN_CLI_PATH;
  const std::string bin = path("run.wsnlog");
  const std::string cmd = cli + " run -q -c " + path("cfg.yml") + " --record " + bin + " <" +
                          kSample + " >" + path("run.out") + " 2>" + path("run.err");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(path("run.err"));
  const std::string alerts = slurp(path("run.out"));
  ASSERT_FALSE(alerts.empty());
  const Outcome stored = run_cli("log cat --kind alerts " + bin, dir_);
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(stored.out, alerts);
  // The recorded events replay like the original log.
  EXPECT_EQ(run_cli("replay -q " + bin, dir_).out, run_cli("replay -q " + kSample, dir_).out);
  // --kind all tags every line.
  const Outcome all = run_cli("log cat --kind all " + bin, dir_);
  ASSERT_EQ(all.exit_code, 0);
  size_t events = 0;
  size_t tagged_alerts = 0;
  std::istringstream in(all.out);
  for (std::string line; std::getline(in, line);) {
    events += line.rfind("{\"event\":", 0) == 0;
    tagged_alerts += line.rfind("{\"alert\":", 0) == 0;
  }
  EXPECT_EQ(tagged_alerts, static_cast<size_t>(std::count(alerts.begin(), alerts.end(), '\n')));
  const Outcome stats = run_cli("log stats --json " + bin, dir_);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(stats.out).get(doc), simdjson::SUCCESS) << stats.out;
  EXPECT_EQ(doc["events"].get_uint64().value(), events);
  EXPECT_EQ(doc["alerts"].get_uint64().value(), tagged_alerts);
  EXPECT_TRUE(std::string_view(doc["ruleset_hash"].get_string().value()).starts_with("fnv1a64:"));
}

// The `replay` source plug-in (sources.replay.path) reads binary logs too.
TEST_F(LogCli, ReplaySourcePluginReadsBinaryLogs) {
  const std::string bin = path("p.wsnlog");
  ASSERT_EQ(run_cli("log convert " + kSample + " " + bin, dir_).exit_code, 0);
  auto run_with = [&](const std::string& log, const std::string& name) {
    std::ofstream(path(name)) << "sources:\n  ebpf:\n    enabled: false\n  replay:\n    path: "
                              << log << "\n";
    return run_cli("run -q -c " + path(name), dir_);
  };
  const Outcome a = run_with(kSample, "a.yml");
  const Outcome b = run_with(bin, "b.yml");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  ASSERT_FALSE(a.out.empty());
  EXPECT_EQ(a.out, b.out);
}

TEST_F(LogCli, QueryReadsBinaryLogs) {
  const std::string bin = path("q.wsnlog");
  ASSERT_EQ(run_cli("log convert " + kSample + " " + bin, dir_).exit_code, 0);
  const std::string q = "'process where process.name != null | head 3'";
  const Outcome a = run_cli("query " + q + " -e " + kSample, dir_);
  const Outcome b = run_cli("query " + q + " -e " + bin, dir_);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_FALSE(a.out.empty());
  EXPECT_EQ(a.out, b.out);
}

TEST_F(LogCli, StatsJson) {
  const std::string bin = path("s.wsnlog");
  ASSERT_EQ(run_cli("log convert " + kSample + " " + bin, dir_).exit_code, 0);
  size_t lines = 0;
  {
    std::ifstream in(kSample);
    std::string l;
    while (std::getline(in, l)) lines += l.find_first_not_of(" \t") != std::string::npos;
  }
  const Outcome o = run_cli("log stats --json " + bin, dir_);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(o.out).get(doc), simdjson::SUCCESS) << o.out;
  EXPECT_EQ(std::string_view(doc["file"].get_string().value()), bin);
  EXPECT_EQ(doc["format_version"].get_uint64().value(), 1u);
  EXPECT_EQ(doc["events"].get_uint64().value(), lines);
  EXPECT_EQ(doc["alerts"].get_uint64().value(), 0u);
  EXPECT_EQ(doc["corrupt_blocks"].get_uint64().value(), 0u);
  EXPECT_EQ(doc["torn_tail_bytes"].get_uint64().value(), 0u);
  EXPECT_GE(doc["blocks"].get_uint64().value(), 1u);
  EXPECT_EQ(doc["segments"].get_array().size(), 1u);
  EXPECT_GT(doc["raw_bytes"].get_uint64().value(), doc["compressed_bytes"].get_uint64().value());
  EXPECT_GT(doc["categories"]["process"].get_uint64().value(), 0u);
  EXPECT_TRUE(std::string_view(doc["build_id"].get_string().value()).starts_with("0."));
  EXPECT_FALSE(std::string_view(doc["first_event"].get_string().value()).empty());

  const Outcome text = run_cli("log stats " + bin, dir_);
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("events by category:"), std::string::npos);
}

TEST_F(LogCli, TornBinaryLogStillReplaysItsWholeBlocks) {
  const std::string bin = path("t.wsnlog");
  ASSERT_EQ(run_cli("log convert " + kSample + " " + bin, dir_).exit_code, 0);
  fs::resize_file(bin, fs::file_size(bin) - 10);  // one block: nothing whole remains
  const Outcome o = run_cli("replay -q " + bin, dir_);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find("torn tail of"), std::string::npos) << o.err;
}

TEST_F(LogCli, BadInputsHaveClearErrors) {
  std::ofstream(path("bad.wsnlog")) << "hello, not a log\n";
  const Outcome r = run_cli("replay " + path("bad.wsnlog"), dir_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path("bad.wsnlog") + ": not a wasm-sentinel binary log (bad magic)"),
            std::string::npos)
      << r.err;
  const Outcome s = run_cli("log stats " + path("missing.wsnlog"), dir_);
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.err.find("No such file"), std::string::npos);
  const Outcome stdout_bin = run_cli("log convert " + kSample + " - --record-format binary", dir_);
  EXPECT_EQ(stdout_bin.exit_code, 1);
  const Outcome rot = run_cli("log convert " + kSample + " x.jsonl --record-max-size 1MiB", dir_);
  EXPECT_EQ(rot.exit_code, 1);
  EXPECT_NE(rot.err.find("rotation needs the binary format"), std::string::npos);
}

TEST_F(LogCli, RotatedRecordingReplaysByItsBaseName) {
  const std::string bin = path("rot.wsnlog");
  const Outcome conv =
      run_cli("log convert " + kSample + " " + bin + " --record-max-size 1KiB", dir_);
  ASSERT_EQ(conv.exit_code, 0) << conv.err;
  // ~700 KiB of records: several 128 KiB blocks, each closing a 1 KiB segment.
  const Outcome stats = run_cli("log stats --json " + bin, dir_);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(stats.out).get(doc), simdjson::SUCCESS) << stats.out;
  EXPECT_GT(doc["segments"].get_array().size(), 2u);
  EXPECT_TRUE(fs::exists(path("rot.000001.wsnlog")));
  EXPECT_EQ(run_cli("replay -q " + bin, dir_).out, run_cli("replay -q " + kSample, dir_).out);
  // Keeping the newest 2 segments: the base name still reads what is left.
  const std::string kept = path("kept.wsnlog");
  ASSERT_EQ(
      run_cli("log convert " + kSample + " " + kept + " --record-max-size 1KiB --record-keep 2",
              dir_)
          .exit_code,
      0);
  EXPECT_FALSE(fs::exists(kept));
  const Outcome rest = run_cli("log stats --json " + kept, dir_);
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  ASSERT_EQ(parser.parse(rest.out).get(doc), simdjson::SUCCESS) << rest.out;
  EXPECT_EQ(doc["segments"].get_array().size(), 2u);
}

}  // namespace

namespace {

// `replay --verify`: a run recorded with its alerts (stdin as the live source: no root needed)
// verifies as identical; with other rules the differences are listed and the exit code is 4; a
// JSON-lines log cannot be verified (no alerts in it).
class VerifyCli : public LogCli {
 protected:
  void record_run(const std::string& bin) {
    std::ofstream(path("cfg.yml")) << "sources:\n  ebpf:\n    enabled: false\n  stdin:\n"
                                      "    enabled: true\nhttp:\n  enabled: false\n"
                                      "sinks:\n  sqlite:\n    enabled: false\n";
    const std::string cmd = std::string(WSN_CLI_PATH) + " run -q -c " + path("cfg.yml") +
                            " --record " + bin + " <" + kSample + " >" + path("run.out") + " 2>" +
                            path("run.err");
    ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(path("run.err"));
    ASSERT_FALSE(slurp(path("run.out")).empty());
  }
};

TEST_F(VerifyCli, RecordedRunVerifiesIdentical) {
  const std::string bin = path("run.wsnlog");
  record_run(bin);
  const Outcome v = run_cli("replay --verify " + bin + " -c " + path("cfg.yml"), dir_);
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, "");  // nothing but the verdict, on standard error
  const std::string out = slurp(path("run.out"));
  const size_t alerts = static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
  EXPECT_NE(v.err.find("; " + std::to_string(alerts) + " alerts, identical to the " +
                       std::to_string(alerts) + " the recording holds"),
            std::string::npos)
      << v.err;
}

TEST_F(VerifyCli, DifferentRulesAreReportedWithExitCode4) {
  const std::string bin = path("run.wsnlog");
  record_run(bin);
  // One bundled rule only: every alert of the others is missing from the replay.
  const std::string one =
      std::string(WSN_SOURCE_DIR) + "/rules/linux/credential_access/shadow_file_read.yml";
  ASSERT_TRUE(fs::exists(one)) << one;
  const Outcome v =
      run_cli("replay --verify " + bin + " -c " + path("cfg.yml") + " -r " + one, dir_);
  EXPECT_EQ(v.exit_code, 4) << v.err;
  EXPECT_NE(v.err.find("the rules differ from those the recording was made with"),
            std::string::npos)
      << v.err;
  EXPECT_NE(v.err.find("wasm-sentinel: verify: alert 1: recorded rule wsn.linux."),
            std::string::npos)
      << v.err;
  // The shadow-file alerts are raised again but numbered otherwise (alert.sequence): they
  // differ too.
  EXPECT_NE(v.err.find("alert(s) only in the recording, 2 only in the replay"), std::string::npos)
      << v.err;
  EXPECT_NE(v.err.find("position(s) differ"), std::string::npos) << v.err;
}

TEST_F(VerifyCli, OnlyBinaryRecordingsCanBeVerified) {
  const Outcome v = run_cli("replay --verify " + kSample, dir_);
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.err.find("--verify needs a binary recording made by `run --record FILE.wsnlog`"),
            std::string::npos)
      << v.err;
  const Outcome o = run_cli("replay --verify " + kSample + " --output " + path("x"), dir_);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("--verify writes no alerts; leave out --output"), std::string::npos)
      << o.err;
}

}  // namespace
