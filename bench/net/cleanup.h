// What a benchmark run must undo however it ends: shell commands registered here run once, in
// reverse order, from the normal path (run_cleanup), at exit, or from a SIGINT/SIGTERM handler
// (removing namespaces, pinned BPF objects, nftables tables).
//
// Not thread-safe: register from the main thread.
#pragma once

#include <string>

namespace wsn::bench {

// Returns a handle for forget().
int on_cleanup(const std::string& shell_command);
void forget(int handle);  // the normal path undid it already
void run_cleanup();

}  // namespace wsn::bench
