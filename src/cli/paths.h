// Where the bundled rules and sample data live: the installed layout beside the executable,
// the source tree for a binary of this build tree, $WSN_DATA_DIR when set
// (src/common/install_layout.h).
#pragma once

#include <string>

#include "common/install_layout.h"

namespace wsn::cli {

inline std::string data_dir() {
  return install_layout().data_dir;
}
inline std::string bundled_rules_dir() {
  return install_layout().rules_dir;
}
inline std::string bundled_sample_log() {
  return install_layout().sample_log;
}

}  // namespace wsn::cli
