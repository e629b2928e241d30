#include "wsn/diagnostics.h"

#include <algorithm>

namespace wsn {

SourceText::SourceText(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

void SourceText::set_origin(uint32_t first_line, uint32_t first_column,
                            uint32_t continuation_indent) {
  first_line_ = first_line;
  first_column_ = first_column;
  continuation_indent_ = continuation_indent;
}

LineCol SourceText::locate(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto idx = static_cast<uint32_t>(it - line_starts_.begin() - 1);
  const uint32_t col = offset - line_starts_[idx];
  if (idx == 0) return {first_line_, first_column_ + col};
  return {first_line_ + idx, continuation_indent_ + col + 1};
}

std::string_view SourceText::line_of(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const uint32_t start = *(it - 1);
  uint32_t end = start;
  while (end < text_.size() && text_[end] != '\n') ++end;
  return std::string_view(text_).substr(start, end - start);
}

namespace {

const char* severity_word(DiagSeverity s) {
  switch (s) {
    case DiagSeverity::kError:
      return "error";
    case DiagSeverity::kWarning:
      return "warning";
    case DiagSeverity::kNote:
      return "note";
  }
  return "error";
}

// Appends "name:line:col: word: message [code]\n  <line>\n  <caret>\n".
void render_one(std::string& out, const SourceText& src, DiagSeverity sev, const std::string& msg,
                const std::string& code, SourceRange range) {
  const LineCol lc = src.locate(range.begin);
  out += src.name();
  out += ':';
  out += std::to_string(lc.line);
  out += ':';
  out += std::to_string(lc.column);
  out += ": ";
  out += severity_word(sev);
  out += ": ";
  out += msg;
  if (!code.empty()) {
    out += " [";
    out += code;
    out += ']';
  }
  out += '\n';
  const std::string_view line = src.line_of(range.begin);
  // Column within the raw line (locate() may have shifted it for embedded text).
  const uint32_t line_start = static_cast<uint32_t>(line.data() - src.text().data());
  const uint32_t col0 =
      std::min<uint32_t>(range.begin, static_cast<uint32_t>(src.text().size())) - line_start;
  out += "  ";
  for (char c : line) out += (c == '\t') ? ' ' : c;
  out += "\n  ";
  out.append(col0, ' ');
  out += '^';
  const uint32_t line_end = line_start + static_cast<uint32_t>(line.size());
  const uint32_t end = std::min(range.end, line_end);
  if (end > range.begin + 1) out.append(end - range.begin - 1, '~');
  out += '\n';
}

}  // namespace

std::string render_diagnostic(const Diagnostic& d, const SourceText& src) {
  std::string out;
  render_one(out, src, d.severity, d.message, d.code, d.range);
  for (const auto& [msg, range] : d.notes)
    render_one(out, src, DiagSeverity::kNote, msg, "", range);
  return out;
}

std::string SourcedDiagnostic::render() const {
  if (source) return render_diagnostic(diag, *source);
  std::string out = file + ": " + severity_word(diag.severity) + ": " + diag.message;
  if (!diag.code.empty()) out += " [" + diag.code + "]";
  out += '\n';
  return out;
}

void Diagnostics::error(std::string code, std::string message, SourceRange range) {
  items_.push_back({DiagSeverity::kError, std::move(code), std::move(message), range, {}});
  ++errors_;
}

void Diagnostics::warning(std::string code, std::string message, SourceRange range) {
  items_.push_back({DiagSeverity::kWarning, std::move(code), std::move(message), range, {}});
}

std::string Diagnostics::render(const SourceText& src) const {
  std::string out;
  for (const auto& d : items_) out += render_diagnostic(d, src);
  return out;
}

}  // namespace wsn

namespace wsn {
void Diagnostics::add(Diagnostic d) {
  if (d.severity == DiagSeverity::kError) ++errors_;
  items_.push_back(std::move(d));
}
}  // namespace wsn
