// Text output templates (docs/configuration.md "Text lines and templates") through the binary:
// standard output, --output FILE (in standard output's format) and the file sink.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_test_util.h"

namespace wsn {
namespace {

using cli_test::run_cli;
using cli_test::slurp;
namespace fs = std::filesystem;

const std::string kSample = std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl";
const std::string kFirstLine =
    "high wsn.linux.web_server_spawns_shell sh 148471 \"Web server worker started a shell\"\n";

class OutputTemplateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_template_cli." + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

const char* const kTemplate = "'%severity %rule.id %process.name %process.pid \"%rule\"'";

TEST_F(OutputTemplateCli, StandardOutputUsesTheTemplate) {
  const std::string cfg = write(
      "c.yml", std::string("sinks:\n  stdout:\n    format: text\n    template: ") + kTemplate);
  const auto r = run_cli("replay -q " + kSample + " -c " + cfg);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, kFirstLine.size()), kFirstLine);
}

TEST_F(OutputTemplateCli, OutputFileTakesStandardOutputsFormatAndTemplate) {
  const std::string cfg =
      write("c.yml", std::string("sinks:\n  stdout:\n    template: ") + kTemplate);
  const std::string out = (dir_ / "alerts.txt").string();
  auto r = run_cli("replay -q " + kSample + " -c " + cfg + " --output " + out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(slurp(out).substr(0, kFirstLine.size()), kFirstLine);
  // format: text without a template: the built-in one-line summary, not JSON.
  const std::string text = write("t.yml", "sinks:\n  stdout:\n    format: text\n");
  const std::string out2 = (dir_ / "alerts2.txt").string();
  r = run_cli("replay -q " + kSample + " -c " + text + " --output " + out2);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      slurp(out2).rfind("2026-11-20T09:41:03.273Z HIGH wsn.linux.web_server_spawns_shell ", 0), 0u);
}

TEST_F(OutputTemplateCli, TheFileSinkWritesTextLinesToo) {
  const std::string file = (dir_ / "sink.txt").string();
  const std::string cfg =
      write("c.yml", "sinks:\n  stdout:\n    enabled: false\n  file:\n    path: " + file +
                         "\n    template: " + kTemplate + "\n");
  const auto r = run_cli("replay -q " + kSample + " -c " + cfg);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(file).substr(0, kFirstLine.size()), kFirstLine);
}

TEST_F(OutputTemplateCli, AnUnknownFieldIsAConfigurationErrorWithItsPosition) {
  const std::string cfg =
      write("c.yml", "sinks:\n  file:\n    path: x.txt\n    template: '%rule %proces.name'\n");
  const auto r = run_cli("validate -c " + cfg);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(cfg + ":4:15: error: sinks.file.template: unknown field '%proces.name'; "
                             "did you mean '%process.name'?"),
            std::string::npos)
      << r.err;
  const std::string json =
      write("j.yml", "sinks:\n  stdout:\n    format: json\n    template: '%rule'\n");
  const auto j = run_cli("validate -c " + json);
  EXPECT_EQ(j.exit_code, 3);
  EXPECT_NE(j.err.find("sinks.stdout.template: a template is for format: text, but format is "
                       "json"),
            std::string::npos)
      << j.err;
}

}  // namespace
}  // namespace wsn
