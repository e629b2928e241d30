// `fields`: the built-in field schema (include/wsn/fields.def) with each field's type and the
// event sources that fill it. Text: aligned columns FIELD TYPE SOURCES (count on stderr);
// --json: one array of {"name","type","sources":[...]}.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "event/json_writer.h"
#include "wsn/plugins.h"
#include "wsn/schema.h"

namespace wsn::cli {
namespace {

// Each registered source with the fields it fills, as it says itself (SourcePlugin::
// filled_fields); "*" (a log reader) fills whatever a line holds, i.e. every field.
struct SourceFields {
  std::string name;
  bool all = false;
  std::vector<FieldId> ids;
};

std::vector<SourceFields> source_fields(const FieldRegistry& reg) {
  std::vector<SourceFields> out;
  for (const SourcePlugin& p : PluginRegistry::builtin().sources()) {
    SourceFields sf{p.name, false, {}};
    if (p.filled_fields) {
      for (const std::string& f : p.filled_fields()) {
        if (f == "*") {
          sf.all = true;
        } else if (FieldId id = reg.find(f); id != kInvalidField) {
          sf.ids.push_back(id);
        }
      }
    }
    out.push_back(std::move(sf));
  }
  return out;
}

struct Row {
  std::string_view name;
  std::string_view type;
  std::vector<std::string_view> sources;
};

std::vector<Row> schema_rows(const FieldRegistry& reg, const std::vector<SourceFields>& by) {
  std::vector<Row> rows(fields::kBuiltinCount);
  for (FieldId id = 0; id < fields::kBuiltinCount; ++id) {
    rows[id].name = reg.info(id).name;
    rows[id].type = field_type_name(reg.type(id));
  }
  for (const SourceFields& sf : by) {
    if (sf.all) {
      for (Row& r : rows) r.sources.push_back(sf.name);
      continue;
    }
    for (FieldId id : sf.ids) {
      if (id < rows.size()) rows[id].sources.push_back(sf.name);
    }
  }
  return rows;
}

void print_text(const std::vector<Row>& rows) {
  size_t name_w = 5, type_w = 4;  // "FIELD", "TYPE"
  for (const Row& r : rows) {
    name_w = std::max(name_w, r.name.size());
    type_w = std::max(type_w, r.type.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  SOURCES\n", "FIELD", name_w, "TYPE", type_w);
  for (const Row& r : rows) {
    out += fmt::format("{:<{}}  {:<{}}  ", r.name, name_w, r.type, type_w);
    for (size_t k = 0; k < r.sources.size(); ++k) {
      if (k) out += ',';
      out += r.sources[k];
    }
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  fmt::print(stderr, "{} built-in fields\n", rows.size());
}

void print_json(const std::vector<Row>& rows) {
  std::string out = "[";
  for (size_t k = 0; k < rows.size(); ++k) {
    const Row& r = rows[k];
    out += k ? ",\n" : "\n";
    out += "{\"name\":";
    append_json_string(r.name, out);
    out += ",\"type\":";
    append_json_string(r.type, out);
    out += ",\"sources\":[";
    for (size_t s = 0; s < r.sources.size(); ++s) {
      if (s) out += ',';
      append_json_string(r.sources[s], out);
    }
    out += "]}";
  }
  out += "\n]\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

void register_fields(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "fields", "List the built-in fields: name, type and the event sources that fill them.");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "One JSON array of {name, type, sources}");
  cmd->callback([json, &exit_code] {
    const FieldRegistry reg;
    const auto sources = source_fields(reg);  // rows view its names: keep it alive
    const auto rows = schema_rows(reg, sources);
    if (*json) {
      print_json(rows);
    } else {
      print_text(rows);
    }
    exit_code = std::fflush(stdout) == 0 ? kExitOk : kExitRuntimeError;
  });
}

}  // namespace wsn::cli
