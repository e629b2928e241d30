// How a line sink (stdout, file) writes an alert, from its configuration section:
// `format: json | text` and `template:` (alert_template.h). A template without a format means
// text; a template with `format: json` is an error.
#pragma once

#include <memory>

#include "alert/alert_template.h"
#include "wsn/config_section.h"

namespace wsn {

struct AlertLineSettings {
  bool text = false;                                   // false: ECS JSON
  std::shared_ptr<const AlertTemplate> line_template;  // text only; nullptr: the built-in line
};

// Reads `format` and `template` of section `s` into `out`, reporting problems through `s`.
void read_alert_line_settings(ConfigSection& s, AlertLineSettings& out);

// The line for `alert` (its ECS JSON is `json`), built in `scratch` when it is text.
std::string_view alert_line(const AlertLineSettings& settings, const Alert& alert,
                            std::string_view json, std::string& scratch);

}  // namespace wsn
