// `wasm-sentinel generate-docs man|bash|zsh`: hidden; the build runs it to make the man page
// and the completion scripts from this very CLI definition (cli_docs.h).
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/cli_docs.h"
#include "cli/exit_codes.h"

namespace wsn::cli {

void register_generate_docs(CLI::App& app, int& exit_code) {
  auto kind = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("generate-docs", "Print the man page or a completion script.");
  cmd->group("");  // hidden: a build step, not a user command
  cmd->add_option("KIND", *kind, "man, bash or zsh")
      ->required()
      ->check(CLI::IsMember({"man", "bash", "zsh"}));
  const CLI::App* root = &app;
  cmd->callback([kind, root, &exit_code] {
    if (*kind == "man") fmt::print("{}", man_page(*root, WSN_VERSION));
    if (*kind == "bash") fmt::print("{}", bash_completion(*root));
    if (*kind == "zsh") fmt::print("{}", zsh_completion(*root));
    exit_code = kExitOk;
  });
}

}  // namespace wsn::cli
