// bash_completion: a bash completion function for wasm-sentinel, from the CLI definition.
// Completes command and subcommand names, each command's options, and file names for
// option values and positional arguments.
#include <sstream>

#include "cli/cli_docs.h"

namespace wsn::cli {

namespace {

std::string key(const std::vector<std::string>& path) {
  std::string k;
  for (const auto& p : path) k += (k.empty() ? "" : "/") + p;
  return k;
}

std::string words(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : " ") + x;
  return out;
}

}  // namespace

std::string bash_completion(const CLI::App& app) {
  const std::vector<DocCommand> cmds = walk_cli(app);
  std::ostringstream out;
  out << "# bash completion for wasm-sentinel\n"
         "# Generated from the CLI definition by `wasm-sentinel generate-docs bash`.\n"
         "_wasm_sentinel() {\n"
         "  local cur prev node i w\n"
         "  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
         "  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "  # Walk the words typed so far down the command tree.\n"
         "  node=\"\"\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    w=\"${COMP_WORDS[i]}\"\n"
         "    case \"$node:$w\" in\n";
  for (const DocCommand& c : cmds) {
    for (const auto& child : c.children) {
      std::vector<std::string> p = c.path;
      p.push_back(child);
      out << "      '" << key(c.path) << ":" << child << "') node='" << key(p) << "' ;;\n";
    }
  }
  out << "    esac\n"
         "  done\n"
         "  local subs=\"\" opts=\"\" valued=\"\"\n"
         "  case \"$node\" in\n";
  for (const DocCommand& c : cmds) {
    std::vector<std::string> opts, valued;
    for (const DocOption& o : c.options) {
      if (o.positional) continue;
      for (const auto& n : o.names) {
        opts.push_back(n);
        if (!o.value.empty()) valued.push_back(n);
      }
    }
    out << "    '" << key(c.path) << "') subs='" << words(c.children) << "'; opts='" << words(opts)
        << "'; valued='" << words(valued) << "' ;;\n";
  }
  out << "  esac\n"
         "  # The value of an option: a file name.\n"
         "  if [[ -n \"$valued\" && \" $valued \" == *\" $prev \"* ]]; then\n"
         "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "    return 0\n"
         "  fi\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
         "  elif [[ -n \"$subs\" ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
         "  else\n"
         "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "  fi\n"
         "  return 0\n"
         "}\n"
         "complete -o filenames -F _wasm_sentinel wasm-sentinel\n";
  return out.str();
}

}  // namespace wsn::cli
