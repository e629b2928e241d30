// `--fields FILE` (types for fields the built-in schema does not know; src/event/field_types.h)
// and the configuration's `schema.fields`, applied to a registry before any rule compiles.
#pragma once

#include <string>

#include "config/config.h"
#include "wsn/schema.h"

namespace CLI {
class App;
}

namespace wsn::cli {

// Adds --fields FILE to `cmd`.
void add_fields_option(CLI::App* cmd, std::string& path);

// Registers `cfg`'s schema.fields (when given) and then the field-type file `path` (when not
// empty) in `registry`, printing warnings and errors on standard error. False on any error.
bool apply_field_types_reporting(FieldRegistry& registry, const config::Config* cfg,
                                 const std::string& path);

}  // namespace wsn::cli
