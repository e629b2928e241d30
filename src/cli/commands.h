// Subcommands of the wasm-sentinel CLI. Each registers itself on the app; its callback stores
// the process exit code in `exit_code`.
#pragma once

namespace CLI {
class App;
}

namespace wsn::cli {

void register_run(CLI::App& app, int& exit_code);
void register_replay(CLI::App& app, int& exit_code);
void register_record(CLI::App& app, int& exit_code);  // live events to a log (cmd_record.cpp)
void register_validate(CLI::App& app, int& exit_code);
void register_list(CLI::App& app, int& exit_code);
void register_compile(CLI::App& app, int& exit_code);  // Wasm AOT cache (cmd_compile.cpp)
void register_version(CLI::App& app, int& exit_code);
void register_query(CLI::App& app, int& exit_code);
void register_fields(CLI::App& app, int& exit_code);  // the built-in field schema (cmd_fields.cpp)
void register_log(CLI::App& app, int& exit_code);  // binary flight-recorder logs (cmd_log.cpp)
void register_net(CLI::App& app, int& exit_code);  // the XDP network edge (cmd_net.cpp)
void register_test(CLI::App& app, int& exit_code);  // declarative rule tests (cmd_test.cpp)

}  // namespace wsn::cli
