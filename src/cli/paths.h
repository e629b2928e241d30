// Where the bundled rules and sample data live: $WSN_DATA_DIR if set, else the directory this
// build came from (WSN_DEFAULT_DATA_DIR, set by CMake).
#pragma once

#include <cstdlib>
#include <string>

namespace wsn::cli {

inline std::string data_dir() {
  if (const char* env = std::getenv("WSN_DATA_DIR"); env && *env) return env;
  return WSN_DEFAULT_DATA_DIR;
}
inline std::string bundled_rules_dir() { return data_dir() + "/rules"; }
inline std::string bundled_sample_log() { return data_dir() + "/data/sample/linux-activity.jsonl"; }

}  // namespace wsn::cli
