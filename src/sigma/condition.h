// The Sigma condition language (SigmaHQ/sigma-specification, rules "Condition"): search
// identifiers joined with `and`, `or`, `not` and parentheses, and the quantifiers `1 of X`,
// `any of X`, `all of X` where X is an identifier pattern (`*` wildcards) or `them` (every
// identifier not starting with `_`). Precedence: `not` over `and` over `or`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace wsn::sigma {

struct ConditionError {
  std::string message;
  size_t offset = 0;  // in the condition text
  size_t length = 1;
};

// `exprs[k]` is the EQL condition of search identifier `names[k]`. On success `out` is the
// condition as EQL (parenthesized) and `used[k]` tells whether identifier k is referenced.
bool translate_condition(const std::string& condition, const std::vector<std::string>& names,
                         const std::vector<std::string>& exprs, std::string& out,
                         std::vector<bool>& used, ConditionError& error);

// Glob match of an identifier pattern (`*` any run, `?` one character).
bool identifier_matches(const std::string& pattern, const std::string& name);

}  // namespace wsn::sigma
