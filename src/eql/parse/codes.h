// Stable diagnostic codes of the EQL lexer and parser (EQL1xxx). Every code is documented with
// its meaning and an example in docs/diagnostics.md; never reuse or renumber one.
#pragma once

namespace wsn::eql::code {

inline constexpr char kExpectedExpression[] = "EQL1001";
inline constexpr char kUnexpectedToken[] = "EQL1002";
inline constexpr char kExpectedWhere[] = "EQL1003";
inline constexpr char kUnterminatedString[] = "EQL1004";
inline constexpr char kInvalidEscape[] = "EQL1005";
inline constexpr char kInvalidCharacter[] = "EQL1006";
inline constexpr char kUnterminatedComment[] = "EQL1007";
inline constexpr char kInvalidEscapedName[] = "EQL1008";
inline constexpr char kUnclosedGroup[] = "EQL1009";
inline constexpr char kTooDeep[] = "EQL1010";
inline constexpr char kInvalidNumber[] = "EQL1011";
inline constexpr char kUnknownTimeUnit[] = "EQL1012";
inline constexpr char kInvalidMaxspan[] = "EQL1013";
inline constexpr char kUnknownPipe[] = "EQL1014";
inline constexpr char kInvalidPipeArgs[] = "EQL1015";
inline constexpr char kUnknownRelationship[] = "EQL1016";
inline constexpr char kChainedComparison[] = "EQL1017";
inline constexpr char kTooFewSteps[] = "EQL1018";
inline constexpr char kInvalidMissingStep[] = "EQL1019";
inline constexpr char kInvalidParameter[] = "EQL1020";
inline constexpr char kKeywordMisuse[] = "EQL1021";
inline constexpr char kTrailingInput[] = "EQL1022";
inline constexpr char kPatternNotLiteral[] = "EQL1023";
inline constexpr char kMisplacedTilde[] = "EQL1024";
inline constexpr char kUnsupported[] = "EQL1025";  // retired: was `sample`, now supported
inline constexpr char kEmptyQuery[] = "EQL1026";
inline constexpr char kExpectedCategory[] = "EQL1027";
inline constexpr char kInvalidSample[] = "EQL1028";

}  // namespace wsn::eql::code
