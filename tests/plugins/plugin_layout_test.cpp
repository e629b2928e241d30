// The plug-in map holds in the code: outside its own folder and the one registration place
// (src/plugins/), no file under src/ names the webhook, syslog or SQLite sinks, the eBPF source
// or the kill action. (The POSIX kill() call is not the action.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct Name {
  const char* word;
  const char* folder;  // relative to src/
  bool ignore_case;
  // Another folder where the word means something else (the logs source reads syslog files;
  // it does not name the syslog sink).
  const char* homonym_folder = nullptr;
};

TEST(PluginLayout, PluginNamesStayInTheirFolders) {
  const Name names[] = {{"webhook", "alert/sinks/webhook/", true},
                        {"syslog", "alert/sinks/syslog/", true, "collect/logs/"},
                        {"sqlite", "alert/sinks/sqlite/", true},
                        {"ebpf", "collect/ebpf/", true},
                        {"kill", "response/kill/", false}};
  const fs::path src = fs::path(WSN_SOURCE_DIR) / "src";
  std::string found;
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), src).generic_string();
    if (rel.rfind("plugins/", 0) == 0) continue;  // the one registration place
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    for (const Name& n : names) {
      if (rel.rfind(n.folder, 0) == 0) continue;
      if (n.homonym_folder != nullptr && rel.rfind(n.homonym_folder, 0) == 0) continue;
      // A whole word; `kill(` and `killpg(` are system calls, not the action.
      const std::string pattern = std::string("\\b") + n.word + "\\b(?!\\s*\\()";
      const std::regex re(pattern, n.ignore_case ? std::regex::ECMAScript | std::regex::icase
                                                 : std::regex::ECMAScript);
      std::smatch m;
      if (std::regex_search(text, m, re)) {
        const size_t line = 1 + std::count(text.begin(), text.begin() + m.position(0), '\n');
        found += "src/" + rel + ":" + std::to_string(line) + ": names '" + n.word + "'\n";
      }
    }
  }
  EXPECT_GT(files, 100u);
  EXPECT_EQ(found, "");
}

}  // namespace
