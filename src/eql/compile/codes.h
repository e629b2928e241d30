// Stable diagnostic codes of the EQL binder/compiler (EQL2xxx). Documented in
// docs/eql-semantics.md; never reuse or renumber one.
#pragma once

namespace wsn::eql::code {

// Errors.
inline constexpr char kUnknownFunction[] = "EQL2001";
inline constexpr char kWrongArity[] = "EQL2002";
inline constexpr char kArgumentType[] = "EQL2003";
inline constexpr char kInvalidRegex[] = "EQL2004";
inline constexpr char kTypeMismatch[] = "EQL2005";
inline constexpr char kInvalidCidr[] = "EQL2006";
inline constexpr char kNotBoolean[] = "EQL2007";
inline constexpr char kNeedsLiteral[] = "EQL2008";
inline constexpr char kTooManyFields[] = "EQL2009";
inline constexpr char kUnsupportedPath[] = "EQL2010";
inline constexpr char kBadVariable[] = "EQL2011";
inline constexpr char kKeyCountMismatch[] = "EQL2012";
inline constexpr char kMissingNeedsMaxspan[] = "EQL2013";
inline constexpr char kPipesNotAllowed[] = "EQL2014";
inline constexpr char kBadPipeArgument[] = "EQL2015";
inline constexpr char kTooManyCategories[] = "EQL2016";
inline constexpr char kTooComplex[] = "EQL2017";
inline constexpr char kStepAlias[] = "EQL2018";
inline constexpr char kUnknownValueList[] = "EQL2019";

// Warnings.
inline constexpr char kUnknownField[] = "EQL2101";
inline constexpr char kDynamicTypeMismatch[] = "EQL2102";
inline constexpr char kUnknownCategory[] = "EQL2103";

}  // namespace wsn::eql::code
