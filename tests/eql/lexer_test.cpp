#include "eql/parse/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wsn::eql {
namespace {

struct Lexed {
  std::vector<Token> tokens;
  Diagnostics diags;
};

Lexed run(std::string_view text) {
  Lexed out;
  out.tokens = lex(text, out.diags);
  return out;
}

std::vector<Tok> kinds(const std::vector<Token>& toks) {
  std::vector<Tok> out;
  for (const Token& t : toks) out.push_back(t.kind);
  return out;
}

std::string spelled(std::string_view text, const Token& t) {
  return std::string(text.substr(t.range.begin, t.range.end - t.range.begin));
}

TEST(EqlLexer, OperatorsAndPunctuation) {
  const std::string_view text = "== = != < <= > >= + - * / % ( ) [ ] , . | : ! ?";
  const Lexed l = run(text);
  EXPECT_FALSE(l.diags.has_errors());
  EXPECT_EQ(
      kinds(l.tokens),
      (std::vector<Tok>{Tok::kEqEq,     Tok::kAssign,   Tok::kNe,     Tok::kLt,     Tok::kLe,
                        Tok::kGt,       Tok::kGe,       Tok::kPlus,   Tok::kMinus,  Tok::kStar,
                        Tok::kSlash,    Tok::kPercent,  Tok::kLParen, Tok::kRParen, Tok::kLBracket,
                        Tok::kRBracket, Tok::kComma,    Tok::kDot,    Tok::kPipe,   Tok::kColon,
                        Tok::kBang,     Tok::kQuestion, Tok::kEof}));
}

TEST(EqlLexer, KeywordsAreLowerCaseOnlyAndTildeFormsAreSeparateKeywords) {
  const std::string_view text = "where WHERE in in~ like~ regex~ any fork endsWith~";
  const Lexed l = run(text);
  ASSERT_EQ(l.tokens.size(), 10u);
  EXPECT_EQ(l.tokens[0].kw, Kw::kWhere);
  EXPECT_EQ(l.tokens[1].kw, Kw::kNone);  // upper case is a plain identifier
  EXPECT_EQ(l.tokens[2].kw, Kw::kIn);
  EXPECT_EQ(l.tokens[3].kw, Kw::kInCi);
  EXPECT_EQ(l.tokens[4].kw, Kw::kLikeCi);
  EXPECT_EQ(l.tokens[5].kw, Kw::kRegexCi);
  EXPECT_EQ(l.tokens[6].kw, Kw::kNone);  // contextual
  EXPECT_EQ(l.tokens[7].kw, Kw::kNone);
  EXPECT_EQ(l.tokens[8].kw, Kw::kNone);
  EXPECT_TRUE(l.tokens[8].tilde);
  EXPECT_EQ(spelled(text, l.tokens[8]), "endsWith~");
}

TEST(EqlLexer, NumbersAndUnitsSplit) {
  const std::string_view text = "42 4.5 .5 1. 1e3 2E-2 1.e2 30s 500ms 1e 7.x";
  const Lexed l = run(text);
  EXPECT_FALSE(l.diags.has_errors());
  std::vector<std::string> got;
  for (const Token& t : l.tokens) {
    if (t.kind == Tok::kEof) break;
    got.push_back(std::string(t.kind == Tok::kInt     ? "I:"
                              : t.kind == Tok::kFloat ? "F:"
                              : t.kind == Tok::kDot   ? "D:"
                                                      : "N:") +
                  spelled(text, t));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"I:42", "F:4.5", "F:.5", "F:1.", "F:1e3", "F:2E-2",
                                           "F:1.e2", "I:30", "N:s", "I:500", "N:ms", "I:1", "N:e",
                                           "I:7", "D:.", "N:x"}));
}

TEST(EqlLexer, StringEscapesAreDecoded) {
  const Lexed l = run(R"("a\"b\\c\n\t\r\b\f\'" 'sq\'x' "\u{41}\u{e9}\u{1F600}")");
  EXPECT_FALSE(l.diags.has_errors()) << l.diags.items().front().message;
  ASSERT_EQ(l.tokens.size(), 4u);
  EXPECT_EQ(l.tokens[0].value, "a\"b\\c\n\t\r\b\f'");
  EXPECT_EQ(l.tokens[1].value, "sq'x");
  EXPECT_EQ(l.tokens[2].value, "A\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(EqlLexer, RawStringsKeepBackslashes) {
  const Lexed l = run(R"(?"C:\win\"x" ?'a\'b\n' """tri"ple\""" """x"""")");
  EXPECT_FALSE(l.diags.has_errors());
  ASSERT_EQ(l.tokens.size(), 5u);
  EXPECT_EQ(l.tokens[0].value, R"(C:\win"x)");
  EXPECT_EQ(l.tokens[1].value, R"(a'b\n)");
  EXPECT_EQ(l.tokens[2].value, R"(tri"ple\)");
  EXPECT_EQ(l.tokens[3].value, "x\"");  // one extra quote after """ belongs to the text
}

TEST(EqlLexer, EscapedIdentifiersAndOptionalMarker) {
  const Lexed l = run("`my field` `a``b` ?`x`");
  EXPECT_FALSE(l.diags.has_errors());
  ASSERT_EQ(l.tokens.size(), 5u);
  EXPECT_EQ(l.tokens[0].kind, Tok::kEscapedIdent);
  EXPECT_EQ(l.tokens[0].value, "my field");
  EXPECT_EQ(l.tokens[1].value, "a`b");
  EXPECT_EQ(l.tokens[2].kind, Tok::kQuestion);
  EXPECT_EQ(l.tokens[3].kind, Tok::kEscapedIdent);
}

TEST(EqlLexer, CommentsAndWhitespaceSetSpaceBefore) {
  const std::string_view text = "a/* c */b // line\n:c(";
  const Lexed l = run(text);
  EXPECT_FALSE(l.diags.has_errors());
  ASSERT_EQ(l.tokens.size(), 6u);
  EXPECT_FALSE(l.tokens[0].space_before);
  EXPECT_TRUE(l.tokens[1].space_before);  // after the block comment
  EXPECT_EQ(spelled(text, l.tokens[1]), "b");
  EXPECT_TRUE(l.tokens[2].space_before);  // ':' after the line comment
  EXPECT_FALSE(l.tokens[3].space_before);
  EXPECT_FALSE(l.tokens[4].space_before);
  EXPECT_EQ(l.tokens[5].kind, Tok::kEof);
}

TEST(EqlLexer, InvalidCharactersBecomeOneErrorTokenPerRun) {
  const Lexed l = run("a $$# b");
  ASSERT_EQ(l.diags.items().size(), 1u);
  EXPECT_EQ(l.diags.items()[0].code, "EQL1006");
  ASSERT_EQ(l.tokens.size(), 4u);
  EXPECT_EQ(l.tokens[1].kind, Tok::kError);
  EXPECT_EQ(l.tokens[1].range.begin, 2u);
  EXPECT_EQ(l.tokens[1].range.end, 5u);
}

TEST(EqlLexer, NonAsciiByteRunIsOneError) {
  const Lexed l = run("a \xC3\xA9\xC3\xA9 b");
  ASSERT_EQ(l.diags.items().size(), 1u);
  EXPECT_EQ(l.diags.items()[0].range.begin, 2u);
  EXPECT_EQ(l.diags.items()[0].range.end, 6u);
}

TEST(EqlLexer, StringDoesNotSpanLines) {
  const Lexed l = run("\"abc\ndef\"");
  ASSERT_GE(l.diags.items().size(), 1u);
  EXPECT_EQ(l.diags.items()[0].code, "EQL1004");
  EXPECT_EQ(l.diags.items()[0].range.begin, 0u);
  EXPECT_EQ(l.diags.items()[0].range.end, 4u);
  EXPECT_EQ(l.tokens[0].kind, Tok::kString);
}

}  // namespace
}  // namespace wsn::eql
