// `-o KEY=VALUE` overrides: set in the file's YAML before it is read, so every value is checked
// as the file's would be, and every problem names the override it came from.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "alert/sinks/stream/stdout_plugin.h"
#include "config/config.h"

namespace wsn::config {
namespace {

std::vector<ConfigOverride> overrides(std::initializer_list<const char*> texts) {
  std::vector<ConfigOverride> out;
  for (const char* t : texts) {
    ConfigOverride o;
    std::string why;
    EXPECT_TRUE(parse_override(t, o, why)) << t << ": " << why;
    out.push_back(o);
  }
  return out;
}

LoadResult load(const std::string& file, std::initializer_list<const char*> texts) {
  return load_config_text("c.yml", file, PluginRegistry::builtin(), "/etc/wsn", overrides(texts));
}

std::string joined(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e;
  return out;
}

TEST(ConfigOverrides, SetKeysOverTheFileAndCreateMissingSections) {
  const LoadResult r = load("alerts:\n  dedupe:\n    window: 10s\nlimits:\n  batch_size: 8\n",
                            {"alerts.dedupe.window=30s", "sinks.stdout.format=text",
                             "rules.paths=[a.yml, /abs/b.yml]", "http.token="});
  ASSERT_TRUE(r.ok()) << joined(r);
  EXPECT_EQ(r.config.alerts.dedupe_window_ns, 30 * kSecond);
  EXPECT_EQ(r.config.limits.batch_size, 8u);  // the file's, untouched
  const auto* out = plugin_config<plugins::StdoutSinkConfig>(r.config.sinks.at("stdout"));
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->format, AlertLineFormat::kText);
  // Command-line paths are the working directory's, not the configuration file's.
  EXPECT_EQ(r.config.rules.paths, (std::vector<std::string>{"a.yml", "/abs/b.yml"}));
  EXPECT_EQ(r.config.http.token, "");
}

TEST(ConfigOverrides, WithoutAFileTheyApplyToTheDefaults) {
  const LoadResult r = load("", {"limits.bus_batches=8"});
  ASSERT_TRUE(r.ok()) << joined(r);
  EXPECT_EQ(r.config.limits.bus_batches, 8u);
}

TEST(ConfigOverrides, TheLastOfTheSameKeyWins) {
  const LoadResult r = load("", {"limits.bus_batches=8", "limits.bus_batches=9"});
  ASSERT_TRUE(r.ok()) << joined(r);
  EXPECT_EQ(r.config.limits.bus_batches, 9u);
}

TEST(ConfigOverrides, UnknownKeysAreNamedWithDidYouMean) {
  EXPECT_EQ(joined(load("", {"json_output=true"})),
            "-o json_output=true: error: unknown configuration key 'json_output' (the alert "
            "format is sinks.stdout.format; known: version, rules, schema, sources, limits, "
            "alerts, sinks, actions, http, response)\n");
  EXPECT_EQ(joined(load("", {"sinks.stdot.format=text"})),
            "-o sinks.stdot.format=text: error: unknown configuration key 'sinks.stdot' (did "
            "you mean 'stdout'? known under sinks: stdout, file, syslog, webhook, sqlite)\n");
  EXPECT_EQ(joined(load("", {"limits.batchsize=3"})),
            "-o limits.batchsize=3: error: unknown configuration key 'limits.batchsize' (did you "
            "mean 'batch_size'? known under limits: bus_batches, batch_size, process_table, "
            "dedupe_keys)\n");
}

TEST(ConfigOverrides, BadValuesNameTheKeyPathAndWhy) {
  EXPECT_EQ(joined(load("", {"sinks.stdout.format=xml"})),
            "-o sinks.stdout.format=xml: error: sinks.stdout.format: expected json or text, got "
            "'xml'\n");
  EXPECT_EQ(joined(load("", {"limits.batch_size=0"})),
            "-o limits.batch_size=0: error: limits.batch_size: must be between 1 and 65536, got "
            "0\n");
  EXPECT_EQ(joined(load("", {"alerts.dedupe.window=soon"}))
                .rfind("-o alerts.dedupe.window=soon: error: alerts.dedupe.window: ", 0),
            0u);
  EXPECT_EQ(
      joined(load("", {"limits.batch_size=[1"}))
          .rfind("-o limits.batch_size=[1: error: limits.batch_size: the value is not valid YAML",
                 0),
      0u);
}

TEST(ConfigOverrides, APathThroughAScalarIsAnError) {
  EXPECT_EQ(joined(load("http:\n  listen: 127.0.0.1:1\n", {"http.listen.port=2"})),
            "-o http.listen.port=2: error: http.listen.port: 'http.listen' is not a mapping in "
            "the configuration, so it has no key 'port'\n");
}

TEST(ConfigOverrides, FileErrorsKeepTheirPositions) {
  const LoadResult r = load("limits:\n  batch_size: 0\n", {"limits.bus_batches=8"});
  EXPECT_EQ(joined(r),
            "c.yml:2:15: error: limits.batch_size: must be between 1 and 65536, got 0\n");
}

TEST(ConfigOverrides, MalformedOverridesAreRejected) {
  ConfigOverride o;
  std::string why;
  EXPECT_FALSE(parse_override("no-equals-sign", o, why));
  EXPECT_NE(why.find("KEY=VALUE"), std::string::npos);
  EXPECT_FALSE(parse_override("a..b=1", o, why));
  EXPECT_FALSE(parse_override("=1", o, why));
  EXPECT_NE(why.find("is not a key path"), std::string::npos) << why;
}

}  // namespace
}  // namespace wsn::config
