// EQL lexer: one pass over the bytes of a query, producing the whole token vector up front
// (queries are small; a vector makes the parser's lookahead trivial). Internal to wsn_eql_parse.
//
// Lexical errors (bad characters, unterminated strings, bad escapes) are reported here; the
// lexer still returns a usable token (kError for garbage, kString for a broken string) so that
// the parser neither crashes nor repeats the complaint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/diagnostics.h"

namespace wsn::eql {

enum class Tok : uint8_t {
  kEof,
  kError,         // bytes the lexer already reported as invalid
  kIdent,         // name, keyword, or `name~`
  kEscapedIdent,  // `backtick name`; value holds the name
  kInt,
  kFloat,
  kString,  // value holds the unescaped text
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kPipe,
  kColon,
  kBang,      // '!' (only meaningful in '![' missing-event steps)
  kQuestion,  // '?' before an optional field
  kEqEq,      // ==
  kAssign,    // =  (Endgame alias of ==; also `maxspan=`)
  kNe,        // !=
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
};

// Reserved words. Keywords are lower-case only, as in both reference grammars; `any`, `fork`,
// `maxspan` and `runs` are contextual and lex as plain identifiers.
enum class Kw : uint8_t {
  kNone,
  kAnd,
  kOr,
  kNot,
  kIn,
  kInCi,  // in~
  kLike,
  kLikeCi,  // like~
  kRegex,
  kRegexCi,  // regex~
  kOf,
  kBy,
  kWhere,
  kWith,
  kUntil,
  kSequence,
  kJoin,
  kSample,
  kTrue,
  kFalse,
  kNull,
};

// Keyword for an exact spelling ("in~" included), else kNone.
Kw keyword_of(std::string_view text);

struct Token {
  Tok kind = Tok::kEof;
  Kw kw = Kw::kNone;
  bool tilde = false;         // kIdent written with a trailing '~' (fn~, in~)
  bool space_before = false;  // whitespace or a comment directly precedes the token
  SourceRange range;
  std::string value;  // kString / kEscapedIdent only
};

// Tokenizes `text`; the result always ends with one kEof token.
std::vector<Token> lex(std::string_view text, Diagnostics& diags);

}  // namespace wsn::eql
