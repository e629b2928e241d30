// Canonical one-line text form of an EQL AST, for tests and debugging. Expressions print as
// S-expressions with every operator flag visible, e.g.
//   (and (== process.name "cmd.exe") (in~ ?user.id 1 2))
// and queries as `process where <expr>`, `sequence maxspan=5000000000ns [..] by k ![..] | head 3`.
#pragma once

#include <string>

#include "eql/ast.h"

namespace wsn::eql {

std::string dump(const Expr& e);
std::string dump(const EventQuery& q);
std::string dump(const Query& q);

}  // namespace wsn::eql
