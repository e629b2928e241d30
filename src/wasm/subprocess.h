// Runs a child process under resource limits and a wall-clock deadline, capturing its output.
// This is how untrusted work leaves the engine: the module loader and the C compiler run in
// children that may crash, hang or exhaust memory without affecting the caller.
//
// Between fork and exec the child only calls async-signal-safe functions (setpgid, setrlimit,
// dup2, close_range, execve), so it is safe to use from a multi-threaded process. The child
// leads its own process group; on timeout the whole group is killed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wsn/result.h"

namespace wsn::wasm {

struct ProcessLimits {
  uint64_t cpu_seconds = 0;           // RLIMIT_CPU (0: unlimited)
  uint64_t address_space_bytes = 0;   // RLIMIT_AS (0: unlimited)
  uint64_t file_size_bytes = 0;       // RLIMIT_FSIZE (0: unlimited)
  uint32_t timeout_ms = 0;            // wall clock, then SIGKILL to the group (0: none)
  size_t max_output_bytes = 1 << 20;  // per stream; the rest is discarded
};

struct ProcessResult {
  int exit_code = -1;  // valid when term_signal == 0 and !timed_out
  int term_signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;

  bool succeeded() const { return !timed_out && term_signal == 0 && exit_code == 0; }
  // "exited with status 3", "killed by signal 11 (Segmentation fault)", "timed out after 2000 ms"
  std::string describe(uint32_t timeout_ms) const;
};

// argv[0] is a path, or a name looked up in PATH. Errors: the program cannot be found or the
// process cannot be created.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessLimits& limits);

// Absolute path of `name` found in PATH (or `name` itself when it contains a '/'); "" if none.
std::string find_program(const std::string& name);

}  // namespace wsn::wasm
