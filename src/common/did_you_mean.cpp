#include "common/did_you_mean.h"

#include <algorithm>
#include <vector>

namespace wsn {

size_t edit_distance(std::string_view a, std::string_view b, size_t limit) {
  const size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (gap > limit) return limit + 1;  // cheap exit: most candidates are far off
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    size_t best = row[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
      best = std::min(best, row[j]);
    }
    if (best > limit) return limit + 1;
  }
  return row[b.size()];
}

std::string closest_name(std::string_view name, std::span<const std::string_view> candidates,
                         size_t max_distance) {
  std::string best;
  size_t best_d = max_distance + 1;
  for (std::string_view c : candidates) {
    const size_t d = edit_distance(name, c, max_distance);
    if (d < best_d && d < std::max<size_t>(c.size(), 2)) {
      best_d = d;
      best = std::string(c);
    }
  }
  return best;
}

}  // namespace wsn
