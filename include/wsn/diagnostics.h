// Diagnostics for user mistakes in rules, queries and configuration: a stable code, a byte
// range in a source text, and a clang-style rendering with the source line and a caret:
//
//   rules/x.yml:12:7: error: expected 'where' after event category [EQL1003]
//     process whre name == "x"
//             ^~~~
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wsn {

// Half-open byte range [begin, end) in a SourceText.
struct SourceRange {
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct LineCol {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in bytes
};

// A named text that diagnostics point into. Positions may be shifted so that text embedded
// in a larger file (an EQL query inside a YAML rule) reports the position in that file.
class SourceText {
 public:
  SourceText(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  // Text embedded in a file starts at (line, column) of that file, and every further line of it
  // starts `continuation_indent` columns in (the indentation of a YAML block scalar).
  void set_origin(uint32_t first_line, uint32_t first_column, uint32_t continuation_indent);

  LineCol locate(uint32_t offset) const;
  // The line of text containing `offset`, without its newline.
  std::string_view line_of(uint32_t offset) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  uint32_t first_line_ = 1;
  uint32_t first_column_ = 1;
  uint32_t continuation_indent_ = 0;
};

enum class DiagSeverity : uint8_t { kError, kWarning, kNote };

struct Diagnostic {
  DiagSeverity severity = DiagSeverity::kError;
  std::string code;     // stable identifier, e.g. "EQL1003"; documented in docs/diagnostics.md
  std::string message;  // what is wrong and what was expected
  SourceRange range;
  std::vector<std::pair<std::string, SourceRange>> notes;  // secondary locations
};

// Renders one diagnostic with the source line and a `^~~~` marker under its range.
std::string render_diagnostic(const Diagnostic& d, const SourceText& src);

// A diagnostic kept as an object with the text it points into, rendered only when shown (a
// rule kind reports these; the engine renders them for the CLI, the API, the logs).
struct SourcedDiagnostic {
  Diagnostic diag;
  std::shared_ptr<const SourceText> source;  // null: a problem with no position in a text …
  std::string file;                          // … then reported against this file name
  // "FILE:LINE:COL: error: MESSAGE [CODE]" with the source line and a caret, or without a
  // source "FILE: error: MESSAGE [CODE]".
  std::string render() const;
};

// Collects diagnostics for one source text.
class Diagnostics {
 public:
  void error(std::string code, std::string message, SourceRange range);
  void warning(std::string code, std::string message, SourceRange range);
  void add(Diagnostic d);

  bool has_errors() const { return errors_ > 0; }
  size_t error_count() const { return errors_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::string render(const SourceText& src) const;

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
};

}  // namespace wsn
