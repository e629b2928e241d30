// What this binary is: version, the commit it was built from, the build type, and (for
// `--version`) what the running kernel offers it.
#pragma once

#include <string>

namespace wsn::cli {

// "wasm-sentinel 0.1.0\ncommit: …\nbuild: RelWithDebInfo\n"
std::string build_info_text();

// build_info_text() plus one "  NAME: yes|no|unknown (why)" line per probed kernel capability.
std::string version_text();

}  // namespace wsn::cli
