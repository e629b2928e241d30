#include "match/regex_literals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "match/matchers.h"

namespace wsn::match {
namespace {

using ::testing::UnorderedElementsAre;

std::vector<std::string> literals(std::string_view pattern, bool fold = false, size_t min = 3) {
  std::vector<std::string> out;
  if (!regex_required_literals(pattern, fold, min, out)) return {"<none>"};
  return out;
}

TEST(RegexLiterals, AlternationJoinsAdjacentLiterals) {
  EXPECT_THAT(literals(".*(curl|wget) .*https?://[0-9.]+/.*"),
              UnorderedElementsAre("curl ", "wget "));
  EXPECT_THAT(literals("/(tmp|dev/shm)/[.][a-z0-9]+([.]sh)?"),
              UnorderedElementsAre("/tmp/.", "/dev/shm/."));
  EXPECT_THAT(literals("(?:Foo|bar)baz"), UnorderedElementsAre("foobaz", "barbaz"));
}

TEST(RegexLiterals, OptionalAndRepeatedAtomsCutTheRun) {
  EXPECT_THAT(literals("abc?def"), UnorderedElementsAre("def"));
  EXPECT_THAT(literals("xyz(abc)*uv"), UnorderedElementsAre("xyz"));
  EXPECT_THAT(literals("qq+wxyz"), UnorderedElementsAre("wxyz"));
  EXPECT_THAT(literals("abcd{2}ef"), UnorderedElementsAre("abcd"));
  EXPECT_THAT(literals("a\\.b\\.cd[.]e"), UnorderedElementsAre("a.b.cd.e"));
}

TEST(RegexLiterals, TopLevelAlternationNeedsEveryBranch) {
  EXPECT_THAT(literals("foo.*|.*barbaz"), UnorderedElementsAre("foo", "barbaz"));
  EXPECT_THAT(literals("foo|.*"), UnorderedElementsAre("<none>"));
  EXPECT_THAT(literals("x(abc.*|defg)y"), UnorderedElementsAre("abc", "defg"));
}

TEST(RegexLiterals, GivesUpOnWhatItDoesNotUnderstand) {
  EXPECT_THAT(literals("(?i)secret"), UnorderedElementsAre("<none>"));
  EXPECT_THAT(literals("\\x41bcd"), UnorderedElementsAre("<none>"));
  EXPECT_THAT(literals("\\Qa.b\\E"), UnorderedElementsAre("<none>"));
  EXPECT_THAT(literals("ab{x}cde"), UnorderedElementsAre("<none>"));
  EXPECT_THAT(literals("[abc"), UnorderedElementsAre("<none>"));
  EXPECT_THAT(literals(".*[0-9]+[.][0-9]+.*"), UnorderedElementsAre("<none>"));  // "." < 3
  EXPECT_THAT(literals(".*[0-9]+[.][0-9]+.*", false, 1), UnorderedElementsAre("."));
  EXPECT_THAT(literals("-{1,2}[a-z]+"), UnorderedElementsAre("<none>"));
}

// Sigma's `re` is a search written `(?s:.*)(?-s:RE)(?s:.*)`: flags s, m and U leave literals
// alone; i makes the rest case-insensitive.
TEST(RegexLiterals, FlagGroupsThatKeepLiterals) {
  EXPECT_THAT(literals("(?s:.*)(?-s:/dev/tcp/)(?s:.*)"), UnorderedElementsAre("/dev/tcp/"));
  EXPECT_THAT(
      literals("(?s:.*)(?-s:-(W|R)\\s?(\\s|\"|')([0-9a-fA-F]{2}\\s?){2,20})(?s:.*)", false, 1),
      UnorderedElementsAre("-w", "-r"));
  EXPECT_THAT(literals("(?ms:^abc$)"), UnorderedElementsAre("abc"));
  EXPECT_THAT(literals("(?i:askmenow)"), UnorderedElementsAre("menow"));  // no k or s
  EXPECT_THAT(literals("(?x:abc)"), UnorderedElementsAre("<none>"));
}

TEST(RegexLiterals, CaseInsensitiveSkipsLettersWithUnicodeVariants) {
  // RE2 folds 'k' with U+212A and 's' with U+017F, so they cannot be required as ASCII.
  EXPECT_THAT(literals("https://", true), UnorderedElementsAre("http"));
  EXPECT_THAT(literals("ABCkDEF", true), UnorderedElementsAre("abc"));
  EXPECT_THAT(literals("ssk", true), UnorderedElementsAre("<none>"));
  EXPECT_THAT(literals("ssk", false), UnorderedElementsAre("ssk"));
  EXPECT_THAT(literals("CURL", true), UnorderedElementsAre("curl"));
  EXPECT_THAT(literals("CURL", false), UnorderedElementsAre("curl"));  // folded for the scan
}

// Soundness against RE2 itself: every string the regex matches contains a required literal.
TEST(RegexLiterals, EveryMatchContainsALiteral) {
  struct Case {
    const char* pattern;
    bool fold;
    std::vector<const char*> matching;
  };
  const std::vector<Case> cases = {
      {".*(curl|wget) .*https?://[0-9.]+/.*",
       true,
       {"CURL -o x http://1.2.3.4/a", "sh -c wget  https://10.0.0.1/"}},
      {"/(tmp|dev/shm)/[.][a-z0-9]+([.]sh)?", false, {"/tmp/.x1", "/dev/shm/.abc.sh"}},
      {"x(abc.*|defg)y", false, {"xabcy", "xabc123y", "xdefgy"}},
      {"(?s:.*)(?-s:(?i:xyK)abc)(?s:.*)",
       false,
       {"a\nXYKabc",
        "xy\xE2\x84\xAA"
        "abc"}},
      {"ABCkDEF",
       true,
       {"abc\xE2\x84\xAA"
        "def",
        "ABCKDEF"}},
  };
  for (const Case& c : cases) {
    StringMatcherSpec spec;
    spec.kind = StrMatchKind::kRegex;
    spec.patterns = {c.pattern};
    spec.mode = c.fold ? CaseMode::kInsensitive : CaseMode::kSensitive;
    std::string error;
    auto m = StringMatcher::create(spec, &error);
    ASSERT_TRUE(m) << error;
    std::vector<std::string> lits;
    ASSERT_TRUE(m->required_literals(lits)) << c.pattern;
    for (const char* s : c.matching) {
      ASSERT_TRUE(m->matches(s)) << c.pattern << " / " << s;
      const std::string folded = fold_copy(s);
      bool found = false;
      for (const std::string& l : lits) found = found || folded.find(l) != std::string::npos;
      EXPECT_TRUE(found) << c.pattern << " / " << s;
    }
  }
}

}  // namespace
}  // namespace wsn::match
