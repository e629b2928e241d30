// EQL parser: hand-written recursive descent (grammar in docs/eql-grammar.md).
#pragma once

#include <memory>
#include <optional>

#include "eql/ast.h"
#include "wsn/diagnostics.h"

namespace wsn::eql {

struct ParseOptions {
  uint32_t max_depth = 128;  // nesting bound against hostile input (EQL1010)
};

struct ParsedQuery {
  std::unique_ptr<AstArena> arena;
  Query query;
};

// Parses a full query (event query, sequence or join, with pipes). On errors, reports every
// error it can recover from into `diags` and returns nullopt.
std::optional<ParsedQuery> parse_query(const SourceText& src, Diagnostics& diags,
                                       const ParseOptions& options = {});

// Parses a lone expression (the expression test suites, `filter`-like helpers). Nodes go into
// `arena`; returns nullptr on errors.
Expr* parse_expression(const SourceText& src, AstArena& arena, Diagnostics& diags,
                       const ParseOptions& options = {});

}  // namespace wsn::eql
