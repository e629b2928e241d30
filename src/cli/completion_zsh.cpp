// zsh_completion: a zsh completion function (#compdef) for wasm-sentinel, from the CLI
// definition: commands with their descriptions, each command's options (_arguments), files
// for values and positional arguments.
#include <algorithm>
#include <sstream>

#include "cli/cli_docs.h"

namespace wsn::cli {

namespace {

// The first line of a help text, made safe inside '…' and inside an _arguments [description].
std::string summary(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  std::string out;
  for (char c : line) {
    if (c == '\'')
      out += "'\\''";
    else if (c == '[' || c == ']' || c == ':' || c == '\\')
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out;
}

std::string fn(const std::vector<std::string>& path) {
  std::string f = "_wasm_sentinel";
  for (const auto& p : path) f += "_" + p;
  for (char& c : f)
    if (c == '-') c = '_';
  return f;
}

}  // namespace

std::string zsh_completion(const CLI::App& app) {
  const std::vector<DocCommand> cmds = walk_cli(app);
  std::ostringstream out;
  out << "#compdef wasm-sentinel\n"
         "# zsh completion for wasm-sentinel\n"
         "# Generated from the CLI definition by `wasm-sentinel generate-docs zsh`.\n";
  // One function per command, deepest last; each dispatches to its children.
  for (const DocCommand& c : cmds) {
    out << "\n" << fn(c.path) << "() {\n  local -a args\n  args=(\n";
    for (const DocOption& o : c.options) {
      if (o.positional) continue;
      const std::string value = o.value.empty() ? "" : ":" + o.value + ":_files";
      std::string excl;
      for (const auto& n : o.names) excl += (excl.empty() ? "" : " ") + n;
      for (const auto& n : o.names) {
        out << "    '(" << excl << ")" << n << "[" << summary(o.description) << "]" << value
            << "'\n";
      }
    }
    if (c.children.empty()) {
      out << "    '*:file:_files'\n  )\n  _arguments -s $args\n}\n";
      continue;
    }
    out << "    '1:command:->cmd'\n    '*::arg:->args'\n  )\n"
           "  local curcontext=\"$curcontext\" state line\n"
           "  _arguments -s -C $args\n"
           "  case $state in\n"
           "    cmd)\n"
           "      local -a cmds\n"
           "      cmds=(\n";
    for (const DocCommand& d : cmds) {
      if (d.path.size() != c.path.size() + 1 ||
          !std::equal(c.path.begin(), c.path.end(), d.path.begin()))
        continue;
      out << "        '" << d.path.back() << ":" << summary(d.description) << "'\n";
    }
    out << "      )\n"
           "      _describe -t commands command cmds ;;\n"
           "    args)\n"
           "      case $line[1] in\n";
    for (const auto& child : c.children) {
      std::vector<std::string> p = c.path;
      p.push_back(child);
      out << "        " << child << ") " << fn(p) << " ;;\n";
    }
    out << "      esac ;;\n  esac\n}\n";
  }
  out << "\n_wasm_sentinel \"$@\"\n";
  return out.str();
}

}  // namespace wsn::cli
