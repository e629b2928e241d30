#include "common/install_layout.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "wsn_install_paths.h"

namespace wsn {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSample = "linux-activity.jsonl";
constexpr const char* kHelper = "wsn-wasm-helper";

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// `child` is `parent` or below it (both made absolute and normal first).
bool is_under(const fs::path& child, const fs::path& parent) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(child, ec).lexically_normal();
  const fs::path p = fs::weakly_canonical(parent, ec).lexically_normal();
  auto it = c.begin();
  for (const auto& part : p) {
    if (part.empty()) continue;  // a trailing separator
    if (it == c.end() || *it != part) return false;
    ++it;
  }
  return true;
}

InstallLayout installed(const fs::path& data, const fs::path& helper_dir,
                        InstallLayout::Kind kind) {
  InstallLayout l;
  l.kind = kind;
  l.data_dir = data.lexically_normal().string();
  l.rules_dir = (data / "rules").lexically_normal().string();
  l.sample_log = (data / "sample" / kSample).lexically_normal().string();
  l.helper_path = (helper_dir / kHelper).lexically_normal().string();
  return l;
}

// The source tree's layout: rules/ and data/sample/ (also what $WSN_DATA_DIR names).
void use_source_layout(InstallLayout& l, const fs::path& root) {
  l.data_dir = root.string();
  l.rules_dir = (root / "rules").string();
  l.sample_log = (root / "data" / "sample" / kSample).string();
}

}  // namespace

InstallLayout install_layout_for(const std::string& exe) {
  const fs::path dir = fs::path(exe).parent_path();
  const fs::path data = dir / WSN_REL_BIN_TO_DATA;
  if (!exe.empty() && is_dir(data / "rules")) {
    return installed(data, dir / WSN_REL_BIN_TO_HELPER, InstallLayout::Kind::kInstalled);
  }
  if (!exe.empty() && is_under(exe, WSN_BUILD_TREE)) {
    InstallLayout l;
    l.kind = InstallLayout::Kind::kBuildTree;
    use_source_layout(l, WSN_SOURCE_TREE);
    // The helper is built beside the CLI's directory (src/wasm/ next to src/cli/).
    l.helper_path = (fs::path(WSN_BUILD_TREE) / "src" / "wasm" / kHelper).string();
    return l;
  }
  return installed(WSN_INSTALL_FULL_DATADIR, WSN_INSTALL_FULL_HELPERDIR,
                   InstallLayout::Kind::kPrefix);
}

const InstallLayout& install_layout() {
  static const InstallLayout layout = [] {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    InstallLayout l = install_layout_for(ec ? std::string() : self.string());
    if (const char* env = std::getenv("WSN_DATA_DIR"); env && *env) use_source_layout(l, env);
    return l;
  }();
  return layout;
}

const char* install_kind_name(InstallLayout::Kind kind) {
  switch (kind) {
    case InstallLayout::Kind::kInstalled:
      return "installed";
    case InstallLayout::Kind::kBuildTree:
      return "build tree";
    case InstallLayout::Kind::kPrefix:
      return "install prefix";
  }
  return "?";
}

std::string config_dir() {
  return WSN_INSTALL_FULL_SYSCONFDIR;
}
std::string state_dir() {
  return WSN_INSTALL_FULL_STATEDIR;
}
std::string cache_dir() {
  return WSN_INSTALL_FULL_CACHEDIR;
}

}  // namespace wsn
