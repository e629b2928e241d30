#include "wsn/diagnostics.h"

#include <gtest/gtest.h>

namespace wsn {
namespace {

TEST(Diagnostics, RendersLocationCaretAndCode) {
  SourceText src("q.eql", "process where\nprocess.name == = 1\n");
  Diagnostics d;
  d.error("EQL1001", "expected an expression", {30, 31});
  EXPECT_TRUE(d.has_errors());
  EXPECT_EQ(d.render(src),
            "q.eql:2:17: error: expected an expression [EQL1001]\n"
            "  process.name == = 1\n"
            "                  ^\n");
}

TEST(Diagnostics, RangeBecomesTildes) {
  SourceText src("x", "procss where true");
  Diagnostics d;
  d.error("EQL2001", "unknown event category 'procss'", {0, 6});
  EXPECT_EQ(d.render(src),
            "x:1:1: error: unknown event category 'procss' [EQL2001]\n"
            "  procss where true\n"
            "  ^~~~~~\n");
}

TEST(Diagnostics, EmbeddedTextReportsPositionInEnclosingFile) {
  // A YAML block scalar whose first line is file line 7, indented by 4 columns.
  SourceText src("rules/x.yml", "process where\n  bad ==");
  src.set_origin(7, 5, 4);
  EXPECT_EQ(src.locate(0).line, 7u);
  EXPECT_EQ(src.locate(0).column, 5u);
  const LineCol lc = src.locate(16);  // 'bad' on the second line
  EXPECT_EQ(lc.line, 8u);
  EXPECT_EQ(lc.column, 7u);
}

TEST(Diagnostics, WarningsDoNotCountAsErrors) {
  Diagnostics d;
  d.warning("W1", "w", {0, 0});
  EXPECT_FALSE(d.has_errors());
  d.add(Diagnostic{DiagSeverity::kError, "E", "e", {0, 0}, {}});
  EXPECT_EQ(d.error_count(), 1u);
}

TEST(Diagnostics, OffsetPastEndIsClamped) {
  SourceText src("x", "abc");
  Diagnostics d;
  d.error("E", "unexpected end of input", {3, 3});
  EXPECT_EQ(d.render(src), "x:1:4: error: unexpected end of input [E]\n  abc\n     ^\n");
}

}  // namespace
}  // namespace wsn
