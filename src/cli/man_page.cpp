// man_page: wasm-sentinel(1) in the man(7) macros, from the CLI definition (walk_cli: only
// cli_walk.cpp compiles CLI11's headers).
#include <cstdint>
#include <cstdio>
#include <sstream>

#include "cli/cli_docs.h"
#include "common/install_layout.h"
#include "wsn_install_paths.h"

namespace wsn::cli {

namespace {

// Text for roff: backslashes and hyphens escaped, non-ASCII as \[uXXXX] (no reliance on the
// reader's locale or preconv), and a control character at a line start neutralised.
std::string roff(const std::string& s) {
  std::string out;
  bool line_start = true;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      // Decode one UTF-8 sequence.
      const int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      uint32_t cp = len == 1 ? c : c & (0x3F >> (len - 1));
      for (int k = 1; k < len && i + 1 < s.size(); ++k) cp = (cp << 6) | (s[++i] & 0x3F);
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\[u%04X]", static_cast<unsigned>(cp));
      out += buf;
    }
  }
  return out;
}

// A help text as paragraphs: CLI11 descriptions break lines by hand; blank lines are kept as
// paragraph breaks, and every line is filled by the formatter.
std::string paragraph(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out += line.empty() ? std::string(".PP") : roff(line);
    out += '\n';
  }
  return out;
}

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

void options(std::ostringstream& out, const DocCommand& cmd) {
  for (const DocOption& o : cmd.options) {
    out << ".TP\n";
    if (o.positional) {
      out << "\\fI" << roff(o.value) << "\\fR\n";
    } else {
      std::string names;
      for (const auto& n : o.names)
        names += (names.empty() ? "" : ", ") + ("\\fB" + roff(n) + "\\fR");
      out << names << (o.value.empty() ? "" : " \\fI" + roff(o.value) + "\\fR") << '\n';
    }
    out << paragraph(o.description.empty() ? std::string("(no description)") : o.description);
  }
}

}  // namespace

std::string man_page(const CLI::App& app, const std::string& version) {
  const std::vector<DocCommand> cmds = walk_cli(app);
  std::ostringstream out;
  out << ".\\\" Generated from the CLI definition by `wasm-sentinel generate-docs man`.\n"
      << ".TH WASM\\-SENTINEL 1 \"\" \"wasm\\-sentinel " << roff(version)
      << "\" \"User Commands\"\n"
      << ".SH NAME\nwasm\\-sentinel \\- runtime threat detection for Linux hosts\n"
      << ".SH SYNOPSIS\n.B wasm\\-sentinel\n.I COMMAND\n.RI [ OPTIONS ]\n"
      << ".br\n.B wasm\\-sentinel\n.B \\-\\-help\n|\n.B \\-\\-version\n"
      << ".SH DESCRIPTION\n"
      << paragraph(cmds.front().description);
  out << ".SH OPTIONS\n";
  options(out, cmds.front());
  out << ".SH COMMANDS\n";
  for (size_t k = 1; k < cmds.size(); ++k) {
    const DocCommand& c = cmds[k];
    out << ".SS \"" << roff(joined(c.path, " ")) << "\"\n";
    out << ".B wasm\\-sentinel " << roff(joined(c.path, " "))
        << (c.children.empty() ? "" : " \\fISUBCOMMAND\\fR") << "\n.RI [ OPTIONS ]\n.PP\n"
        << paragraph(c.description);
    if (!c.children.empty()) {
      out << ".PP\nSubcommands: " << roff(joined(c.children, ", ")) << ".\n";
    }
    options(out, c);
  }
  out << ".SH EXIT STATUS\n" << paragraph(cmds.front().footer);
  out << ".SH FILES\n"
      << ".TP\n.I " << roff(config_dir() + "/config.yml") << "\n"
      << "The configuration the service runs with (\\fB\\-\\-config\\fR; every key is optional).\n"
      << ".TP\n.I " << roff(WSN_INSTALL_FULL_DATADIR + std::string("/rules")) << "\n"
      << "The bundled rules, used when no \\fB\\-\\-rules\\fR is given.\n"
      << ".TP\n.I " << roff(WSN_INSTALL_FULL_DATADIR + std::string("/sample/linux-activity.jsonl"))
      << "\nThe bundled sample log.\n"
      << ".TP\n.I " << roff(state_dir()) << "\n"
      << "State: the alert store (alerts.db), the response audit log, the spools of alert sinks.\n"
      << ".SH ENVIRONMENT\n"
      << ".TP\n.B WSN_DATA_DIR\nA directory laid out like the source tree (rules/, data/sample/) "
         "used instead of the installed data.\n"
      << ".TP\n.B WSN_WASM_HELPER\nThe Wasm module helper to run instead of the installed one.\n"
      << ".TP\n.B WSN_WASM_CACHE_DIR\nWhere compiled Wasm rules are cached.\n"
      << ".SH SEE ALSO\n.BR systemctl (1),\n.BR journalctl (1)\n";
  return out.str();
}

}  // namespace wsn::cli
