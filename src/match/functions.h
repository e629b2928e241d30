// The function library of the predicate IR: signatures (for compilers' arity/type checks) and
// the run-time implementations of the functions that are evaluated by value. Functions that
// take pattern literals (wildcard, match, cidrMatch) or bind variables (arraySearch,
// arrayCount) or only wrap (safe) are compiled into dedicated IR nodes instead.
//
// Semantics follow Endgame EQL where Elastic is silent; see docs/eql-semantics.md.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "match/scratch.h"
#include "match/value.h"

namespace wsn::match {

enum class FunctionId : uint8_t {
  kAdd,
  kArrayContains,
  kArrayCount,
  kArraySearch,
  kBetween,
  kCidrMatch,
  kConcat,
  kDivide,
  kEndsWith,
  kIndexOf,
  kLength,
  kMatch,
  kModulo,
  kMultiply,
  kNumber,
  kSafe,
  kStartsWith,
  kString,
  kStringContains,
  kSubstring,
  kSubtract,
  kWildcard,
};

// What an argument position accepts (checked statically where types are known).
enum class ArgType : uint8_t {
  kString,
  kNumber,
  kBool,
  kPrimitive,  // null, bool, number or string
  kArray,
  kStringOrArray,
  kVariable,       // a bare name bound by the function (arraySearch)
  kExpr,           // anything
  kStringLiteral,  // a constant string (pattern)
  kBoolLiteral,
};

struct FunctionSig {
  std::string_view name;
  FunctionId id;
  uint8_t min_args;
  uint8_t max_args;             // kVariadic for no bound
  uint8_t typed;                // how many entries of `args` are given
  std::array<ArgType, 5> args;  // types of the first positions
  ArgType rest;                 // type of positions past args
  StaticType result;
  bool case_aware;  // honours a case mode
};

inline constexpr uint8_t kVariadic = 255;

// Looks a function up by its EQL name (case-sensitive, e.g. "startsWith"); also accepts the
// Endgame alias "matchLite". nullptr when unknown.
const FunctionSig* find_function(std::string_view name);
// Elasticsearch resolves function names case-insensitively (EqlFunctionRegistry.normalize
// lower-cases them), so `cidrmatch` and `CIDRMATCH` name cidrMatch. Only the functions of ES's
// registry are found this way; Endgame-only ones keep their exact spelling.
const FunctionSig* find_function_ignore_case(std::string_view name);
const FunctionSig& function_sig(FunctionId id);
// Every function's EQL name (for "did you mean" on an unknown one).
std::vector<std::string_view> function_names();

// Evaluates a value function. Never throws; failures (bad input, division by zero) yield null.
// Produced strings live in `scratch`.
Value call_function(FunctionId id, std::span<const Value> args, CaseMode mode,
                    ScratchArena& scratch);

// Formats a value the way EQL's string() does (Python str(): 1, 2.5, 21.0, true).
std::string_view format_value(const Value& v, ScratchArena& scratch);

}  // namespace wsn::match
