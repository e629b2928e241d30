// Where a binary finds its files, by where it sits (src/common/install_layout.h).
#include "common/install_layout.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "wsn_install_paths.h"

namespace fs = std::filesystem;

namespace {

class InstallLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("wsn-layout-" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(InstallLayoutTest, InstalledTreeIsFoundRelativeToTheBinaryWherever_ItIs) {
  // A staged prefix far from the build tree: <root>/opt/ws/{bin,lib/wasm-sentinel,share/…}.
  const fs::path prefix = root_ / "opt" / "ws";
  fs::create_directories(prefix / "bin");
  fs::create_directories(prefix / "share" / "wasm-sentinel" / "rules");
  const auto l = wsn::install_layout_for((prefix / "bin" / "wasm-sentinel").string());
  EXPECT_EQ(l.kind, wsn::InstallLayout::Kind::kInstalled);
  EXPECT_EQ(l.rules_dir, (prefix / "share/wasm-sentinel/rules").string());
  EXPECT_EQ(l.sample_log, (prefix / "share/wasm-sentinel/sample/linux-activity.jsonl").string());
  EXPECT_EQ(l.helper_path, (prefix / "lib/wasm-sentinel/wsn-wasm-helper").string());
}

TEST_F(InstallLayoutTest, BuildTreeBinaryReadsTheSourceTree) {
  const auto l = wsn::install_layout_for(std::string(WSN_BUILD_TREE) + "/src/cli/wasm-sentinel");
  EXPECT_EQ(l.kind, wsn::InstallLayout::Kind::kBuildTree);
  EXPECT_EQ(l.rules_dir, std::string(WSN_SOURCE_TREE) + "/rules");
  EXPECT_EQ(l.sample_log, std::string(WSN_SOURCE_TREE) + "/data/sample/linux-activity.jsonl");
  EXPECT_EQ(l.helper_path, std::string(WSN_BUILD_TREE) + "/src/wasm/wsn-wasm-helper");
}

TEST_F(InstallLayoutTest, BinaryElsewhereUsesTheConfiguredPrefixNeverTheSourceTree) {
  fs::create_directories(root_ / "bin");  // no share/ beside it
  const auto l = wsn::install_layout_for((root_ / "bin" / "wasm-sentinel").string());
  EXPECT_EQ(l.kind, wsn::InstallLayout::Kind::kPrefix);
  EXPECT_EQ(l.rules_dir, std::string(WSN_INSTALL_FULL_DATADIR) + "/rules");
  EXPECT_EQ(l.helper_path, std::string(WSN_INSTALL_FULL_HELPERDIR) + "/wsn-wasm-helper");
  EXPECT_EQ(l.rules_dir.find(WSN_SOURCE_TREE), std::string::npos);
}

TEST_F(InstallLayoutTest, HostDirectoriesComeFromThePrefix) {
  EXPECT_EQ(wsn::config_dir(), WSN_INSTALL_FULL_SYSCONFDIR);
  EXPECT_EQ(wsn::state_dir(), WSN_INSTALL_FULL_STATEDIR);
  EXPECT_EQ(wsn::cache_dir(), WSN_INSTALL_FULL_CACHEDIR);
  EXPECT_EQ(fs::path(wsn::state_dir()).filename(), "wasm-sentinel");
}

}  // namespace
