#include "record/rotation.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace wsn::record {
namespace {

constexpr std::string_view kExt = ".wsnlog";

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// "rec.wsnlog" -> ("rec.", ".wsnlog"); "rec.bin" -> ("rec.bin.", "").
void split(const std::string& base, std::string& prefix, std::string& suffix) {
  if (ends_with(base, kExt)) {
    prefix = base.substr(0, base.size() - kExt.size()) + ".";
    suffix = kExt;
  } else {
    prefix = base + ".";
    suffix.clear();
  }
}

}  // namespace

std::string segment_path(const std::string& base, uint64_t index) {
  if (index == 0) return base;
  std::string prefix;
  std::string suffix;
  split(base, prefix, suffix);
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%06llu", static_cast<unsigned long long>(index));
  return prefix + digits + suffix;
}

std::vector<Segment> list_segments(const std::string& base) {
  namespace fs = std::filesystem;
  std::vector<Segment> out;
  std::error_code ec;
  if (fs::is_regular_file(base, ec)) out.push_back(Segment{0, base});
  std::string prefix;
  std::string suffix;
  split(base, prefix, suffix);
  const fs::path prefix_path(prefix);
  fs::path dir = prefix_path.parent_path();
  const std::string dir_shown = dir.empty() ? "" : dir.string() + "/";
  if (dir.empty()) dir = ".";
  const std::string name_prefix = prefix_path.filename().string();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= name_prefix.size() + suffix.size() || name.rfind(name_prefix, 0) != 0 ||
        !ends_with(name, suffix)) {
      continue;
    }
    const std::string digits =
        name.substr(name_prefix.size(), name.size() - name_prefix.size() - suffix.size());
    if (digits.size() < 6 || digits.size() > 19 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const uint64_t index = std::stoull(digits);
    if (index == 0 || !it->is_regular_file(ec)) continue;
    out.push_back(Segment{index, dir_shown + name});
  }
  std::sort(out.begin(), out.end(),
            [](const Segment& a, const Segment& b) { return a.index < b.index; });
  return out;
}

}  // namespace wsn::record
