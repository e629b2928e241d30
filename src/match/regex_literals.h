// Literals a regex match must contain, for the prefilter (RE2 has no public literal-extraction
// API). The pattern text is read conservatively: anything not understood for certain (escapes
// other than punctuation and a few classes, inline flags, \Q..\E, odd repetitions) gives up, and
// an unknown construct only ever ends a literal run, so the result is sound or absent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wsn::match {

// Fills `out` with ASCII-folded literals of which every string matching `pattern` (anchored
// or not) contains at least one, and returns true; returns false when no such set of literals
// of at least `min_length` bytes each is found. With `case_insensitive` (RE2 Unicode case
// folding), letters that have non-ASCII case variants ('k' ~ U+212A, 's' ~ U+017F) are not used.
bool regex_required_literals(std::string_view pattern, bool case_insensitive, size_t min_length,
                             std::vector<std::string>& out);

}  // namespace wsn::match
