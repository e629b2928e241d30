// Helpers for tests that run the wasm-sentinel binary (WSN_CLI_PATH) and read what it wrote.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace wsn::cli_test {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

#ifdef WSN_CLI_PATH
// Runs the CLI with `args` (already shell-quoted), stdin from /dev/null, capturing stdout and
// stderr separately through files in `dir` (tagged with the pid: ctest runs tests in parallel
// processes).
inline Outcome run_cli(const std::string& args,
                       const std::filesystem::path& dir = std::filesystem::temp_directory_path()) {
  const std::string tag = std::to_string(::getpid());
  const std::filesystem::path out = dir / ("wsn_cli_test." + tag + ".out");
  const std::filesystem::path err = dir / ("wsn_cli_test." + tag + ".err");
  const std::string cmd = std::string(WSN_CLI_PATH) + " " + args + " >" + out.string() + " 2>" +
                          err.string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return o;
}
#endif

// The ids of the rules that raised the alerts in `alerts` (ECS JSON lines).
inline std::set<std::string> rules_fired(const std::string& alerts) {
  std::set<std::string> ids;
  std::istringstream in(alerts);
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view needle = "\"rule\":{\"id\":\"";
    const size_t at = line.find(needle);
    if (at == std::string::npos) continue;
    const size_t b = at + needle.size();
    ids.insert(line.substr(b, line.find('"', b) - b));
  }
  return ids;
}

}  // namespace wsn::cli_test
