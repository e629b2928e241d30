// docs/diagnostics.md stays true: every EQL1xxx code defined in src/eql/parse/codes.h is
// documented, and every documented example produces its code as the first diagnostic.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "eql/parse.h"

namespace wsn::eql {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Splits a markdown table row on '|' that is not escaped as '\|', unescaping the rest.
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      out.back() += '|';
      ++i;
    } else if (row[i] == '|') {
      out.emplace_back();
    } else {
      out.back() += row[i];
    }
  }
  for (std::string& c : out) {
    const size_t b = c.find_first_not_of(' ');
    const size_t e = c.find_last_not_of(' ');
    c = b == std::string::npos ? "" : c.substr(b, e - b + 1);
  }
  return out;
}

// `code` or `` code with ` inside ``.
std::string inline_code(const std::string& cell) {
  if (cell.rfind("`` ", 0) == 0 && cell.size() >= 6) return cell.substr(3, cell.size() - 6);
  if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`') {
    return cell.substr(1, cell.size() - 2);
  }
  ADD_FAILURE() << "example is not inline code: " << cell;
  return "";
}

TEST(EqlDiagnosticsDoc, EveryCodeIsDocumentedWithAWorkingExample) {
  std::set<std::string> defined;
  const std::string codes = read(std::string(WSN_SOURCE_DIR) + "/src/eql/parse/codes.h");
  for (size_t p = codes.find("\"EQL1"); p != std::string::npos; p = codes.find("\"EQL1", p + 1)) {
    defined.insert(codes.substr(p + 1, 7));
  }
  ASSERT_GE(defined.size(), 20u);

  std::set<std::string> documented;
  std::istringstream doc(read(std::string(WSN_SOURCE_DIR) + "/docs/diagnostics.md"));
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("| EQL1", 0) != 0) continue;
    const std::vector<std::string> c = cells(line);
    ASSERT_EQ(c.size(), 5u) << line;  // '', code, meaning, example, ''
    const std::string& code = c[1];
    EXPECT_TRUE(documented.insert(code).second) << "documented twice: " << code;
    // A retired code stays listed (codes are never reused) but nothing emits it any more.
    if (c[2].rfind("Retired", 0) == 0) continue;
    const std::string example = inline_code(c[3]);
    SourceText src("doc", example);
    Diagnostics diags;
    EXPECT_FALSE(parse_query(src, diags).has_value()) << code << ": " << example;
    ASSERT_FALSE(diags.items().empty()) << code << ": " << example;
    EXPECT_EQ(diags.items().front().code, code) << example << "\n" << diags.render(src);
  }
  EXPECT_EQ(documented, defined);
}

}  // namespace
}  // namespace wsn::eql
