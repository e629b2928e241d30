// Output templates of text alert lines (alert/alert_template.h): placeholders, values of every
// field type, missing fields, escaping, and clear errors for unknown names.
#include "alert/alert_template.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace wsn {
namespace {

constexpr int64_t kSec = 1'000'000'000;

Alert sample_alert() {
  Alert a;
  auto r = std::make_shared<RuleMeta>();
  r->id = "wsn.x";
  r->name = "Shell from a web server";
  a.rule = r;
  a.severity = Severity::kHigh;
  a.time_ns = 2 * kSec;
  Event first;
  first.set_string(fields::kProcessName, "nginx");
  Event e;
  e.set_string(fields::kProcessName, "bash");
  e.set_int(fields::kProcessPid, 42);
  e.set_string(fields::kProcessCommandLine, "bash -i\n\x1b");
  const std::string_view args[] = {"bash", "-i"};
  e.set_string_list(fields::kProcessArgs, args);
  a.events = {first, e};
  return a;
}

std::string render(std::string_view text, const Alert& a = sample_alert()) {
  auto t = AlertTemplate::parse(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.error().message;
  if (!t.ok()) return "";
  std::string out;
  t.value()->render(a, out);
  return out;
}

std::string error_of(std::string_view text) {
  auto t = AlertTemplate::parse(text);
  EXPECT_FALSE(t.ok()) << text;
  return t.ok() ? "" : t.error().message;
}

TEST(AlertTemplate, RuleSeverityTimeAndFieldsOfTheTriggeringEvent) {
  EXPECT_EQ(render("%time %severity %rule.id: %rule (%process.name, pid %process.pid)"),
            "1970-01-01T00:00:02.000Z high wsn.x: Shell from a web server (bash, pid 42)");
  EXPECT_EQ(render("%rule.name"), "Shell from a web server");
}

TEST(AlertTemplate, ListsJoinMissingFieldsAreNAAndControlCharactersAreEscaped) {
  EXPECT_EQ(render("%process.args|%user.name|%process.command_line"),
            "bash,-i|<NA>|bash -i\\n\\x1b");
}

TEST(AlertTemplate, NamesEndAtPunctuationBracesAndPercent) {
  EXPECT_EQ(render("ran %process.name. pid=%{process.pid}x 100%% %%rule"),
            "ran bash. pid=42x 100% %rule");
  EXPECT_EQ(render("no placeholders"), "no placeholders");
}

TEST(AlertTemplate, UnknownNamesAreErrorsWithDidYouMean) {
  EXPECT_EQ(error_of("%proces.name"),
            "unknown field '%proces.name'; did you mean '%process.name'? (fields: `wasm-sentinel "
            "fields`; also %rule, %rule.id, %severity, %time)");
  EXPECT_NE(error_of("%sevrity").find("did you mean '%severity'?"), std::string::npos);
  EXPECT_EQ(error_of("100 % done"),
            "'%' at offset 4 is not followed by a field name (write %% for a literal '%')");
  EXPECT_EQ(error_of("%{process.name"), "unclosed '%{' at offset 0 (write %{FIELD})");
}

}  // namespace
}  // namespace wsn
