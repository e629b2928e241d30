#include "alert/alert_line_settings.h"

#include "alert/alert_text.h"

namespace wsn {

void read_alert_line_settings(ConfigSection& s, AlertLineSettings& out) {
  std::string format;
  const bool has_format = s.read_choice("format", format, {"json", "text"});
  if (has_format) out.text = format == "text";
  std::string text;
  if (!s.read_string("template", text) || text.empty()) return;  // "": the built-in line
  if (has_format && !out.text) {
    s.error("template", "a template is for format: text, but format is json");
    return;
  }
  auto parsed = AlertTemplate::parse(text);
  if (!parsed.ok()) {
    s.error("template", parsed.error().message);
    return;
  }
  out.text = true;
  out.line_template = std::move(parsed.value());
}

std::string_view alert_line(const AlertLineSettings& settings, const Alert& alert,
                            std::string_view json, std::string& scratch) {
  if (!settings.text) return json;
  scratch.clear();
  if (settings.line_template) {
    settings.line_template->render(alert, scratch);
  } else {
    format_alert_text(alert, scratch);
  }
  return scratch;
}

}  // namespace wsn
