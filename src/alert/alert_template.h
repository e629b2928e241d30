// Output templates for text alert lines (Falco's `output`): `sinks.stdout.template` and
// `sinks.file.template`, e.g.
//
//   "%time %severity %rule.id: %process.name (pid %process.pid) by %user.name"
//
// Placeholders: %rule (the rule's name), %rule.id, %rule.name, %severity, %time (the alert's
// event time, RFC 3339), and %FIELD for any built-in event field (`wasm-sentinel fields`),
// read from the triggering event (the last of a sequence); <NA> when the event lacks it. A
// field name runs over letters, digits, '_', '.' and '@' (a trailing '.' is text); %{FIELD}
// delimits it explicitly; %% is a literal '%'. An unknown name is an error when the
// configuration is read, with a "did you mean".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/alert.h"
#include "wsn/result.h"
#include "wsn/schema.h"

namespace wsn {

class AlertTemplate {
 public:
  // The template of `text`, or an error saying which placeholder is wrong and why.
  static Result<std::shared_ptr<const AlertTemplate>> parse(std::string_view text);

  // Appends the alert's line (control characters escaped: one alert, one line).
  void render(const Alert& alert, std::string& out) const;

 private:
  enum class Kind : uint8_t { kText, kRuleName, kRuleId, kSeverity, kTime, kField };
  struct Part {
    Kind kind = Kind::kText;
    std::string text;  // kText
    FieldId field = kInvalidField;
  };
  std::vector<Part> parts_;
};

}  // namespace wsn
