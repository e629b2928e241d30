// `-o key.path=value` overrides of configuration keys (Falco's habit), applied to the YAML of
// the configuration file before it is read, so they are checked exactly like the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Node;
}

namespace wsn::config {

struct ConfigOverride {
  std::string key;    // dotted key path, e.g. sinks.stdout.format
  std::string value;  // as text (5s, text); YAML when it starts with [ { " or ' ([a, b], {k: v})
  std::string text;   // as written on the command line, "KEY=VALUE" (for messages)
};

// "KEY=VALUE" → override; false (with `why`) when there is no '=' or the key path is malformed.
bool parse_override(std::string_view text, ConfigOverride& out, std::string& why);

// Sets every override in `root` (a null root becomes a mapping), creating the mappings on the
// way. Values become nodes without a position, which is how the reader tells them from the
// file's. Problems (a value that is not YAML, a path through a scalar) are appended to
// `errors` as "-o KEY=VALUE: error: KEY: message".
void apply_overrides(YAML::Node& root, const std::vector<ConfigOverride>& overrides,
                     std::vector<std::string>& errors);

// The override whose key path is `path`, lies under it, or holds it (the nearest one), or
// nullptr: whom to blame for a problem at `path` that has no position in the file.
const ConfigOverride* override_for(const std::vector<ConfigOverride>& overrides,
                                   std::string_view path);

}  // namespace wsn::config
