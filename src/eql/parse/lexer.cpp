#include "eql/parse/lexer.h"

#include <array>
#include <utility>

#include "eql/parse/codes.h"

namespace wsn::eql {
namespace {

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@';
}
bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_newline(char c) {
  return c == '\n' || c == '\r';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the UTF-8 sequence starting at `i` as far as it is well-formed (at least 1), so a
// diagnostic never splits a multi-byte character.
size_t char_len(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  size_t len = 1;
  if (c >= 0xC0) len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  size_t n = 1;
  while (n < len && i + n < text.size() &&
         (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) {
    ++n;
  }
  return n;
}

class Lexer {
 public:
  Lexer(std::string_view text, Diagnostics& diags) : text_(text), diags_(diags) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    out.reserve(text_.size() / 3 + 2);
    bool space = false;
    while (true) {
      space = skip_space_and_comments() || space;
      Token t;
      t.space_before = space;
      space = false;
      if (pos_ >= text_.size()) {
        t.kind = Tok::kEof;
        t.range = {u32(text_.size()), u32(text_.size())};
        out.push_back(std::move(t));
        return out;
      }
      lex_one(t);
      out.push_back(std::move(t));
    }
  }

 private:
  static uint32_t u32(size_t v) { return static_cast<uint32_t>(v); }

  void error(const char* code, std::string msg, size_t begin, size_t end) {
    diags_.error(code, std::move(msg), {u32(begin), u32(end)});
  }

  // Returns whether anything was skipped.
  bool skip_space_and_comments() {
    const size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (is_space(c)) {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        const size_t close = text_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) {
          error(code::kUnterminatedComment, "unterminated block comment", pos_, pos_ + 2);
          pos_ = text_.size();
        } else {
          pos_ = close + 2;
        }
      } else {
        break;
      }
    }
    return pos_ != start;
  }

  void lex_one(Token& t) {
    const size_t start = pos_;
    const char c = text_[pos_];
    const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    auto punct = [&](Tok kind, size_t len) {
      t.kind = kind;
      pos_ += len;
      t.range = {u32(start), u32(pos_)};
    };
    if (is_ident_start(c)) return lex_ident(t);
    if (is_digit(c) || (c == '.' && is_digit(next))) return lex_number(t);
    switch (c) {
      case '"':
        if (next == '"' && pos_ + 2 < text_.size() && text_[pos_ + 2] == '"') {
          return lex_triple_quoted(t);
        }
        return lex_quoted(t, c, /*raw=*/false, 1);
      case '\'':
        return lex_quoted(t, c, /*raw=*/false, 1);
      case '?':
        if (next == '"' || next == '\'') return lex_quoted(t, next, /*raw=*/true, 2);
        return punct(Tok::kQuestion, 1);
      case '`':
        return lex_escaped_ident(t);
      case '(':
        return punct(Tok::kLParen, 1);
      case ')':
        return punct(Tok::kRParen, 1);
      case '[':
        return punct(Tok::kLBracket, 1);
      case ']':
        return punct(Tok::kRBracket, 1);
      case ',':
        return punct(Tok::kComma, 1);
      case '.':
        return punct(Tok::kDot, 1);
      case '|':
        return punct(Tok::kPipe, 1);
      case ':':
        return punct(Tok::kColon, 1);
      case '+':
        return punct(Tok::kPlus, 1);
      case '-':
        return punct(Tok::kMinus, 1);
      case '*':
        return punct(Tok::kStar, 1);
      case '/':
        return punct(Tok::kSlash, 1);
      case '%':
        return punct(Tok::kPercent, 1);
      case '=':
        return next == '=' ? punct(Tok::kEqEq, 2) : punct(Tok::kAssign, 1);
      case '!':
        return next == '=' ? punct(Tok::kNe, 2) : punct(Tok::kBang, 1);
      case '<':
        return next == '=' ? punct(Tok::kLe, 2) : punct(Tok::kLt, 1);
      case '>':
        return next == '=' ? punct(Tok::kGe, 2) : punct(Tok::kGt, 1);
      default:
        return lex_invalid(t);
    }
  }

  void lex_ident(Token& t) {
    const size_t start = pos_;
    ++pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '~') {
      t.tilde = true;
      ++pos_;
    }
    t.kind = Tok::kIdent;
    t.range = {u32(start), u32(pos_)};
    t.kw = keyword_of(text_.substr(start, pos_ - start));
  }

  // INT: digits. FLOAT: digits '.' digits* | '.' digits, either with an optional exponent, or
  // digits with an exponent. A unit right after a number (`30s`) is a separate identifier.
  void lex_number(Token& t) {
    const size_t start = pos_;
    bool is_float = false;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      const char after = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
      // `1.` and `1.e5` are floats, but never swallow the dot of `1.x` or `1..`.
      if (is_digit(after) || exponent_at(pos_ + 1) ||
          (!is_ident_start(after) && after != '.' && after != '`')) {
        is_float = true;
        ++pos_;
        while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
      }
    }
    if (exponent_at(pos_)) {
      is_float = true;
      ++pos_;
      if (text_[pos_] == '+' || text_[pos_] == '-') ++pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    t.kind = is_float ? Tok::kFloat : Tok::kInt;
    t.range = {u32(start), u32(pos_)};
  }

  // [eE][+-]?digit at `p`.
  bool exponent_at(size_t p) const {
    if (p >= text_.size() || (text_[p] != 'e' && text_[p] != 'E')) return false;
    ++p;
    if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
    return p < text_.size() && is_digit(text_[p]);
  }

  // "..." and '...' with escapes; ?"..." and ?'...' raw (only \<quote> is special). Strings
  // end at the line's end: a newline inside one means the closing quote is missing.
  void lex_quoted(Token& t, char quote, bool raw, size_t open_len) {
    const size_t start = pos_;
    pos_ += open_len;
    t.kind = Tok::kString;
    while (true) {
      if (pos_ >= text_.size() || is_newline(text_[pos_])) {
        error(code::kUnterminatedString, "unterminated string literal", start, pos_);
        break;
      }
      const char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        break;
      }
      if (c != '\\') {
        t.value += c;
        ++pos_;
        continue;
      }
      const char e = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
      if (raw) {
        if (e == quote) {
          t.value += quote;
          pos_ += 2;
        } else {
          t.value += c;
          ++pos_;
        }
        continue;
      }
      if (pos_ + 1 >= text_.size() || is_newline(e)) {
        ++pos_;  // the newline/end is reported as an unterminated string
        continue;
      }
      lex_escape(t.value);
    }
    t.range = {u32(start), u32(pos_)};
  }

  // At a backslash inside a regular string: decodes one escape into `out`.
  void lex_escape(std::string& out) {
    const size_t start = pos_;
    const char e = text_[pos_ + 1];
    char decoded = 0;
    switch (e) {
      case 'b':
        decoded = '\b';
        break;
      case 't':
        decoded = '\t';
        break;
      case 'n':
        decoded = '\n';
        break;
      case 'f':
        decoded = '\f';
        break;
      case 'r':
        decoded = '\r';
        break;
      case '"':
        decoded = '"';
        break;
      case '\'':
        decoded = '\'';
        break;
      case '\\':
        decoded = '\\';
        break;
      case 'u':
        return lex_unicode_escape(out);
      default:
        break;
    }
    if (decoded != 0) {
      out += decoded;
      pos_ += 2;
      return;
    }
    const size_t len = char_len(text_, pos_ + 1);
    const auto byte = static_cast<unsigned char>(e);
    std::string msg = "invalid escape '\\";
    if (byte >= 0x20 && byte < 0x7F) {
      msg += e;
      msg += "' in string literal";
    } else {
      msg = "invalid escape sequence in string literal";
    }
    msg += " (valid escapes: \\n \\r \\t \\b \\f \\\\ \\\" \\' \\u{XXXX})";
    pos_ += 1 + len;
    error(code::kInvalidEscape, std::move(msg), start, pos_);
  }

  // \u{X..} with 2 to 8 hex digits naming a Unicode scalar value.
  void lex_unicode_escape(std::string& out) {
    const size_t start = pos_;
    size_t p = pos_ + 2;
    uint64_t cp = 0;
    size_t digits = 0;
    bool ok = p < text_.size() && text_[p] == '{';
    if (ok) {
      ++p;
      while (p < text_.size() && hex_value(text_[p]) >= 0 && digits < 9) {
        cp = cp * 16 + static_cast<uint64_t>(hex_value(text_[p]));
        ++p;
        ++digits;
      }
      ok = p < text_.size() && text_[p] == '}' && digits >= 2 && digits <= 8;
      if (ok) ++p;
    }
    if (!ok) {
      pos_ = start + 2;
      error(code::kInvalidEscape,
            "invalid unicode escape (expected \\u{XXXX} with 2 to 8 hex digits)", start, pos_);
      return;
    }
    pos_ = p;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      error(code::kInvalidEscape, "unicode escape is not a valid code point", start, pos_);
      return;
    }
    append_utf8(out, static_cast<uint32_t>(cp));
  }

  // """raw""" on one line; up to two extra quotes right after the closing """ belong to the
  // text (Elastic: """a""""" is `a""`).
  void lex_triple_quoted(Token& t) {
    const size_t start = pos_;
    size_t p = pos_ + 3;
    t.kind = Tok::kString;
    while (p < text_.size() && !is_newline(text_[p])) {
      if (text_.compare(p, 3, R"(""")") == 0) break;
      ++p;
    }
    if (p >= text_.size() || is_newline(text_[p])) {
      pos_ = p;
      error(code::kUnterminatedString, "unterminated string literal", start, pos_);
      t.value = std::string(text_.substr(start + 3, p - start - 3));
      t.range = {u32(start), u32(pos_)};
      return;
    }
    size_t end = p + 3;
    for (int extra = 0; extra < 2 && end < text_.size() && text_[end] == '"'; ++extra) ++end;
    t.value = std::string(text_.substr(start + 3, end - 3 - (start + 3)));
    pos_ = end;
    t.range = {u32(start), u32(pos_)};
  }

  // `name with spaces`, where `` is a literal backtick.
  void lex_escaped_ident(Token& t) {
    const size_t start = pos_;
    ++pos_;
    t.kind = Tok::kEscapedIdent;
    while (true) {
      if (pos_ >= text_.size() || is_newline(text_[pos_])) {
        error(code::kInvalidEscapedName, "unterminated escaped field name (missing closing '`')",
              start, pos_);
        t.kind = Tok::kError;
        break;
      }
      if (text_[pos_] == '`') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '`') {
          t.value += '`';
          pos_ += 2;
          continue;
        }
        ++pos_;
        if (t.value.empty()) {
          error(code::kInvalidEscapedName, "empty escaped field name", start, pos_);
          t.kind = Tok::kError;
        }
        break;
      }
      t.value += text_[pos_++];
    }
    t.range = {u32(start), u32(pos_)};
  }

  static bool starts_token(char c) {
    if (is_ident_start(c) || is_digit(c) || is_space(c)) return true;
    static constexpr std::string_view kStarts = "\"'?`()[],.|:+-*/%=!<>";
    return kStarts.find(c) != std::string_view::npos;
  }

  // A run of bytes that start no token becomes one kError token and one diagnostic.
  void lex_invalid(Token& t) {
    const size_t start = pos_;
    const char c = text_[pos_];
    pos_ += char_len(text_, pos_);
    while (pos_ < text_.size() && !starts_token(text_[pos_]) && text_[pos_] != '~') {
      pos_ += char_len(text_, pos_);
    }
    t.kind = Tok::kError;
    t.range = {u32(start), u32(pos_)};
    const auto byte = static_cast<unsigned char>(c);
    if (c == '~') {
      error(code::kMisplacedTilde,
            "'~' must directly follow a function name or 'in', 'like', 'regex' (as in 'in~')",
            start, start + 1);
      t.range.end = u32(start + 1);
      pos_ = start + 1;
    } else if (byte >= 0x80) {
      error(code::kInvalidCharacter,
            "invalid non-ASCII character outside a string (quote text, escape field names "
            "with backticks)",
            start, pos_);
    } else if (byte < 0x20 || byte == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string msg = "invalid control character 0x";
      msg += kHex[byte >> 4];
      msg += kHex[byte & 0xF];
      error(code::kInvalidCharacter, std::move(msg), start, pos_);
    } else {
      std::string msg = "invalid character '";
      msg += c;
      msg += '\'';
      error(code::kInvalidCharacter, std::move(msg), start, pos_);
    }
  }

  std::string_view text_;
  Diagnostics& diags_;
  size_t pos_ = 0;
};

}  // namespace

Kw keyword_of(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, Kw>, 20> kKeywords{{
      {"and", Kw::kAnd},      {"or", Kw::kOr},         {"not", Kw::kNot},
      {"in", Kw::kIn},        {"in~", Kw::kInCi},      {"like", Kw::kLike},
      {"like~", Kw::kLikeCi}, {"regex", Kw::kRegex},   {"regex~", Kw::kRegexCi},
      {"of", Kw::kOf},        {"by", Kw::kBy},         {"where", Kw::kWhere},
      {"with", Kw::kWith},    {"until", Kw::kUntil},   {"sequence", Kw::kSequence},
      {"join", Kw::kJoin},    {"sample", Kw::kSample}, {"true", Kw::kTrue},
      {"false", Kw::kFalse},  {"null", Kw::kNull},
  }};
  if (text.size() < 2 || text.size() > 8) return Kw::kNone;
  for (const auto& [word, kw] : kKeywords) {
    if (word == text) return kw;
  }
  return Kw::kNone;
}

std::vector<Token> lex(std::string_view text, Diagnostics& diags) {
  return Lexer(text, diags).run();
}

}  // namespace wsn::eql
