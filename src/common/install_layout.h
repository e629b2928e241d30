// Where the running binary finds its files. An installed binary (…/bin/wasm-sentinel beside
// …/share/wasm-sentinel) uses the installed layout relative to itself, so a DESTDIR staging
// tree or a moved prefix works; a binary inside the build tree it was built in uses the source
// tree; anything else falls back to the configured install prefix (never the source tree).
// Paths of the host (configuration, state, cache) come from the configured prefix.
#pragma once

#include <string>

namespace wsn {

struct InstallLayout {
  enum class Kind { kInstalled, kBuildTree, kPrefix };
  Kind kind = Kind::kPrefix;
  std::string data_dir;     // rules/, sample/, sigma/, sdk/ (installed) or the source tree
  std::string rules_dir;    // the bundled rules
  std::string sample_log;   // the bundled sample log
  std::string helper_path;  // wsn-wasm-helper
};

// The layout for the executable at `exe` (tests pass one; the program uses self()).
InstallLayout install_layout_for(const std::string& exe);
// The layout of this process, computed once. $WSN_DATA_DIR (a directory laid out like the
// source tree: rules/, data/sample/) overrides the data directory.
const InstallLayout& install_layout();
const char* install_kind_name(InstallLayout::Kind kind);

std::string config_dir();  // /etc/wasm-sentinel
std::string state_dir();   // /var/lib/wasm-sentinel
std::string cache_dir();   // /var/cache/wasm-sentinel

}  // namespace wsn
