// The man page and shell completion scripts, generated from the CLI definition itself (the
// CLI11 App: its subcommands, options and help texts), so they cannot drift from the program.
// The build runs the hidden `wasm-sentinel generate-docs man|bash|zsh` (cmd_docs.cpp) and
// installs the output (cmake/WsnInstall.cmake).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace wsn::cli {

// One visible option, as the generators need it.
struct DocOption {
  std::vector<std::string> names;  // "-c", "--config" (empty for a positional)
  std::string value;               // "FILE" etc.; "" for a flag
  std::string description;
  bool positional = false;
};

// One command: the root (path empty) or a subcommand at `path` ("log cat").
struct DocCommand {
  std::vector<std::string> path;
  std::string description;
  std::vector<DocOption> options;
  std::vector<std::string> children;  // visible subcommand names
  std::string footer;                 // the help footer (the root's: exit codes)
};

// Every visible command of `app`, root first, depth first; hidden commands (empty group) and
// their options are left out.
std::vector<DocCommand> walk_cli(const CLI::App& app);

std::string man_page(const CLI::App& app, const std::string& version);
std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);

void register_generate_docs(CLI::App& app, int& exit_code);  // cmd_docs.cpp

}  // namespace wsn::cli
