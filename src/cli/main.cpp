// wasm-sentinel: runtime threat detection for Linux hosts. See docs/cli.md.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"

int main(int argc, char** argv) {
  CLI::App app{
      "WasmSentinel: runtime threat detection for Linux hosts.\n"
      "Events from the kernel or a recorded log are matched against EQL and WebAssembly\n"
      "rules; alerts are written as ECS JSON lines.",
      "wasm-sentinel"};
  app.require_subcommand(1);
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
  wsn::cli::register_compile(app, exit_code);
  wsn::cli::register_version(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? wsn::cli::kExitOk : wsn::cli::kExitUsage;
  }
  return exit_code;
}
