// walk_cli: the visible commands and options of a CLI11 App, for the doc generators.
#include <CLI/CLI.hpp>

#include "cli/cli_docs.h"

namespace wsn::cli {

namespace {

DocOption describe(const CLI::Option& opt) {
  DocOption d;
  d.positional = opt.get_positional() && opt.nonpositional() == false;
  for (const auto& s : opt.get_snames()) d.names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) d.names.push_back("--" + l);
  if (d.positional) d.value = opt.get_name();
  // As CLI11's own help: a flag has no type name (its type size is not reliably 0).
  else if (!opt.get_option_text().empty())
    d.value = opt.get_option_text();
  else if (opt.get_type_size() != 0)
    d.value = opt.get_type_name();
  d.description = opt.get_description();
  return d;
}

void walk(const CLI::App& app, std::vector<std::string> path, std::vector<DocCommand>& out) {
  DocCommand cmd;
  cmd.path = path;
  cmd.description = app.get_description();
  cmd.footer = app.get_footer();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    cmd.options.push_back(describe(*opt));
  }
  std::vector<const CLI::App*> subs;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) continue;  // hidden (generate-docs itself)
    cmd.children.push_back(sub->get_name());
    subs.push_back(sub);
  }
  out.push_back(std::move(cmd));
  for (const CLI::App* sub : subs) {
    std::vector<std::string> child = path;
    child.push_back(sub->get_name());
    walk(*sub, child, out);
  }
}

}  // namespace

std::vector<DocCommand> walk_cli(const CLI::App& app) {
  std::vector<DocCommand> out;
  walk(app, {}, out);
  return out;
}

}  // namespace wsn::cli
