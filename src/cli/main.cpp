// wasm-sentinel: runtime threat detection for Linux hosts. See docs/cli.md.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/build_info.h"
#include "cli/cli_docs.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/did_you_mean.h"

int main(int argc, char** argv) {
  CLI::App app{
      "WasmSentinel: runtime threat detection for Linux hosts.\n"
      "Events from the kernel or a recorded log are matched against EQL and WebAssembly\n"
      "rules; alerts are written as ECS JSON lines.",
      "wasm-sentinel"};
  app.require_subcommand(1);
  app.set_version_flag(
      "--version",
      [] {
        std::string text = wsn::cli::version_text();
        text.pop_back();  // CLI11 ends the message with a newline of its own
        return text;
      },
      "Print the version, commit, build type and the kernel capabilities this host offers "
      "(probed), and exit.");
  app.footer(
      "Exit codes: 0 ok, 1 runtime error (unreadable input, collector failure),\n"
      "            2 usage error, 3 invalid rules or configuration.\n"
      "Run 'wasm-sentinel COMMAND --help' for the options of a command.");
  int exit_code = wsn::cli::kExitOk;
  wsn::cli::register_run(app, exit_code);
  wsn::cli::register_replay(app, exit_code);
  wsn::cli::register_record(app, exit_code);
  wsn::cli::register_validate(app, exit_code);
  wsn::cli::register_list(app, exit_code);
  wsn::cli::register_query(app, exit_code);
  wsn::cli::register_fields(app, exit_code);
  wsn::cli::register_log(app, exit_code);
  wsn::cli::register_net(app, exit_code);
  wsn::cli::register_test(app, exit_code);
  wsn::cli::register_compile(app, exit_code);
  wsn::cli::register_version(app, exit_code);
  wsn::cli::register_generate_docs(app, exit_code);  // hidden: man page, completion
  // An unknown command gets a clear message, not CLI11's "A subcommand is required".
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    std::vector<std::string_view> candidates;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known |= sub->get_name() == argv[1];
      if (sub->get_group().empty()) continue;  // hidden (generate-docs)
      names += (names.empty() ? "" : ", ") + sub->get_name();
      candidates.push_back(sub->get_name());
    }
    if (!known) {
      const std::string near = wsn::closest_name(argv[1], candidates);
      const std::string hint = near.empty() ? "" : "did you mean '" + near + "'? ";
      std::fprintf(stderr, "wasm-sentinel: unknown command '%s' (%scommands: %s; see --help)\n",
                   argv[1], hint.c_str(), names.c_str());
      return wsn::cli::kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? wsn::cli::kExitOk : wsn::cli::kExitUsage;
  }
  return exit_code;
}
