// process.env_vars: the environment variables the collector reports on exec, as Elastic
// Defend does with its `linux.advanced.capture_env_vars` allow-list ("NAME=value" strings).
//
// Only allow-listed names are kept: an environment routinely holds secrets (tokens, passwords
// in CI variables), and none of those should reach an alert, a log or a recording.
//
// Thread safe: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wsn::collect {

// The default allow-list: loader hijacking (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT), history
// suppression (HISTFILE, HISTSIZE, HISTFILESIZE, HISTCONTROL) and proxying (HTTP_PROXY,
// HTTPS_PROXY, ALL_PROXY), the variables Elastic's Linux rules read.
std::vector<std::string> default_env_vars();

// The "NAME=value" entries of a NUL-separated environment block whose NAME is in `names`
// (exact, case-sensitive), in block order. Entries without '=' are skipped; a block cut short
// by the capture limit keeps its complete entries only when `complete` is false.
std::vector<std::string> keep_env_vars(std::string_view block,
                                       const std::vector<std::string>& names, bool complete);

}  // namespace wsn::collect
