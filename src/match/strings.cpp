#include "match/strings.h"

#include <algorithm>

namespace wsn::match {

std::string fold_copy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = fold_char(c);
  return out;
}

bool equal_fold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (fold_char(a[k]) != fold_char(b[k])) return false;
  }
  return true;
}

int compare_fold(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t k = 0; k < n; ++k) {
    const auto x = static_cast<unsigned char>(fold_char(a[k]));
    const auto y = static_cast<unsigned char>(fold_char(b[k]));
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

bool starts_with_fold(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && equal_fold(s.substr(0, prefix.size()), prefix);
}

bool ends_with_fold(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && equal_fold(s.substr(s.size() - suffix.size()), suffix);
}

size_t find_fold(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size()) return std::string_view::npos;
  const char first = fold_char(needle[0]);
  for (size_t k = from; k + needle.size() <= hay.size(); ++k) {
    if (fold_char(hay[k]) != first) continue;
    if (equal_fold(hay.substr(k, needle.size()), needle)) return k;
  }
  return std::string_view::npos;
}

size_t find_exact(std::string_view hay, std::string_view needle, size_t from) {
  if (from > hay.size()) return std::string_view::npos;
  return hay.find(needle, from);
}

size_t StringSet::insert(std::string_view s) {
  const uint64_t h = hash_bytes(s, fold_);
  if (((len_mask_ >> (s.size() & 63)) & 1) != 0) {
    const int64_t at = find(s, h);
    if (at >= 0) return static_cast<size_t>(at);
  }
  if ((members_.size() + 1) * 2 > slots_.size()) {
    const size_t cap = slots_.empty() ? 8 : slots_.size() * 2;
    std::vector<uint64_t> old(cap, 0);
    old.swap(slots_);
    mask_ = cap - 1;
    for (uint64_t slot : old) {
      if (slot == 0) continue;
      size_t i = static_cast<size_t>(slot >> 32) & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = slot;
    }
  }
  members_.emplace_back(s);
  size_t i = static_cast<size_t>(h >> 32) & mask_;
  while (slots_[i] != 0) i = (i + 1) & mask_;
  slots_[i] = (h >> 32) << 32 | members_.size();
  len_mask_ |= uint64_t{1} << (s.size() & 63);
  return members_.size() - 1;
}

int64_t StringSet::find(std::string_view s, uint64_t hash) const {
  if (slots_.empty()) return -1;
  const uint64_t tag = hash >> 32;
  for (size_t i = static_cast<size_t>(tag) & mask_;; i = (i + 1) & mask_) {
    const uint64_t slot = slots_[i];
    if (slot == 0) return -1;
    const uint32_t at = static_cast<uint32_t>(slot) - 1;
    if ((slot >> 32) == tag && same(members_[at], s)) return at;
  }
}

bool has_wildcard(std::string_view pattern, bool question_mark) {
  return pattern.find('*') != std::string_view::npos ||
         (question_mark && pattern.find('?') != std::string_view::npos);
}

Wildcard::Wildcard(std::string_view pattern, bool fold, bool question_mark)
    : pattern_(pattern), fold_(fold), question_(question_mark) {
  size_t start = 0;
  while (true) {
    const size_t star = pattern.find('*', start);
    std::string seg(pattern.substr(
        start, star == std::string_view::npos ? std::string_view::npos : star - start));
    if (fold_) seg = fold_copy(seg);
    segments_.push_back(std::move(seg));
    if (star == std::string_view::npos) break;
    start = star + 1;
  }
  leading_star_ = !pattern.empty() && pattern.front() == '*';
  trailing_star_ = !pattern.empty() && pattern.back() == '*';
}

bool Wildcard::segment_at(std::string_view s, size_t pos, const std::string& seg) const {
  if (pos + seg.size() > s.size()) return false;
  for (size_t k = 0; k < seg.size(); ++k) {
    const char p = seg[k];
    if (question_ && p == '?') continue;
    const char c = fold_ ? fold_char(s[pos + k]) : s[pos + k];
    if (c != p) return false;
  }
  return true;
}

size_t Wildcard::find_segment(std::string_view s, size_t from, const std::string& seg) const {
  for (size_t k = from; k + seg.size() <= s.size(); ++k) {
    if (segment_at(s, k, seg)) return k;
  }
  return std::string_view::npos;
}

bool Wildcard::matches(std::string_view s) const {
  if (segments_.size() == 1) {
    return s.size() == segments_[0].size() && segment_at(s, 0, segments_[0]);
  }
  const std::string& head = segments_.front();
  const std::string& tail = segments_.back();
  if (s.size() < head.size() + tail.size()) return false;
  if (!segment_at(s, 0, head)) return false;
  if (!segment_at(s, s.size() - tail.size(), tail)) return false;
  // Middle segments: leftmost placement is optimal when every gap is `*`.
  size_t pos = head.size();
  const size_t limit = s.size() - tail.size();
  for (size_t k = 1; k + 1 < segments_.size(); ++k) {
    const std::string& seg = segments_[k];
    if (seg.empty()) continue;
    const size_t at = find_segment(s.substr(0, limit), pos, seg);
    if (at == std::string_view::npos) return false;
    pos = at + seg.size();
  }
  return true;
}

std::string_view Wildcard::longest_literal() const {
  std::string_view best;
  for (const std::string& seg : segments_) {
    std::string_view rest = seg;
    while (!rest.empty()) {
      const size_t q = question_ ? rest.find('?') : std::string_view::npos;
      const std::string_view piece = rest.substr(0, q);
      if (piece.size() > best.size()) best = piece;
      if (q == std::string_view::npos) break;
      rest.remove_prefix(q + 1);
    }
  }
  return best;
}

}  // namespace wsn::match
