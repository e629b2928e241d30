// "Did you mean …?" for a misspelled name: the candidate within a small edit distance.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace wsn {

// The candidate closest to `name` by edit distance (insert, delete, substitute one byte), if it
// is at most `max_distance` away and shorter than the candidate itself; "" otherwise. Ties go to
// the first candidate.
std::string closest_name(std::string_view name, std::span<const std::string_view> candidates,
                         size_t max_distance = 2);

// The edit distance of `a` and `b`, or more than `limit` (then any value > limit).
size_t edit_distance(std::string_view a, std::string_view b, size_t limit);

}  // namespace wsn
