// Whether `run` could create or write what a configuration names, for `validate -c` (the
// plug-ins' PluginCheck): the answer is the reason it could not, or "" when it could.
#pragma once

#include <string>

namespace wsn {

// A file to create or append to.
std::string cannot_write_file(const std::string& path);
// A directory to use, created with its missing parents if needed.
std::string cannot_use_dir(const std::string& dir);

}  // namespace wsn
