#include "cli/field_types_option.h"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "event/field_types.h"

namespace wsn::cli {

void add_fields_option(CLI::App* cmd, std::string& path) {
  cmd->add_option("--fields", path,
                  "Types of fields the built-in schema does not know: a JSON object "
                  "{\"field.name\": \"type\"} (string, int, uint, bool, ip, timestamp, "
                  "string_list, or Elasticsearch type names) or an Elasticsearch index mapping "
                  "(PUT body or GET _mapping response). See docs/cli.md.");
}

bool apply_field_types_reporting(FieldRegistry& registry, const config::Config* cfg,
                                 const std::string& path) {
  bool ok = true;
  if (cfg) {
    // Typed before the rules compile, so a rule compares these fields as declared.
    for (const auto& [name, type] : cfg->schema.fields) {
      if (!registry.define(name, type)) {
        fmt::print(stderr,
                   "wasm-sentinel: error: schema.fields.{}: cannot be declared as {} (a built-in "
                   "field of another type, or the field table is full)\n",
                   name, field_type_name(type));
        ok = false;
      }
    }
  }
  if (path.empty()) return ok;
  const FieldTypeFile file = read_field_type_file(path);
  for (const auto& w : file.warnings) fmt::print(stderr, "{}\n", w);
  for (const auto& e : file.errors) fmt::print(stderr, "{}\n", e);
  if (!file.ok()) return false;
  std::vector<std::string> errors;
  if (cfg) {
    for (const FieldTypeDecl& d : file.fields) {
      for (const auto& [name, type] : cfg->schema.fields) {
        if (name == d.name && type != d.type) {
          errors.push_back(fmt::format(
              "{}: error: field '{}' is declared {} ({}) here but {} in the configuration's "
              "schema.fields",
              path, d.name, d.declared, field_type_name(d.type), field_type_name(type)));
        }
      }
    }
    if (!errors.empty()) {
      for (const auto& e : errors) fmt::print(stderr, "{}\n", e);
      return false;
    }
  }
  apply_field_types(file, path, registry, errors);
  for (const auto& e : errors) fmt::print(stderr, "{}\n", e);
  return ok && errors.empty();
}

}  // namespace wsn::cli
