// libFuzzer target: arbitrary bytes as an EQL query and as a lone expression. The parser must
// never crash, hang or overflow the stack, and must report an error whenever it returns
// nothing (and none when it returns an AST).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "eql/parse.h"
#include "eql/parse/ast_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  {
    wsn::SourceText src("fuzz.eql", text);
    wsn::Diagnostics diags;
    const auto parsed = wsn::eql::parse_query(src, diags);
    if (parsed.has_value() == diags.has_errors()) std::abort();
    if (parsed) (void)wsn::eql::dump(parsed->query);
    (void)diags.render(src);  // every range must render (no out-of-bounds positions)
  }
  {
    wsn::SourceText src("fuzz.eql", text);
    wsn::Diagnostics diags;
    wsn::eql::AstArena arena;
    const wsn::eql::Expr* e = wsn::eql::parse_expression(src, arena, diags);
    if ((e != nullptr) == diags.has_errors()) std::abort();
    if (e != nullptr) (void)wsn::eql::dump(*e);
    (void)diags.render(src);
  }
  return 0;
}
