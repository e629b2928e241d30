#include "match/lineage.h"

#include "match/strings.h"

namespace wsn::match {

void BoundedKeySet::insert(uint64_t k) {
  if (map_.count(k)) return;
  while (map_.size() >= capacity_ && !order_.empty()) {
    const auto [old, stamp] = order_.front();
    order_.pop_front();
    auto it = map_.find(old);
    if (it != map_.end() && it->second == stamp) {
      map_.erase(it);
      ++evictions_;
    }
  }
  map_[k] = next_;
  order_.emplace_back(k, next_++);
  // Compact stale order entries (keys erased since) so the deque stays proportional.
  if (order_.size() > 2 * capacity_ + 16) {
    std::deque<std::pair<uint64_t, uint64_t>> live;
    for (const auto& [key, stamp] : order_) {
      auto it = map_.find(key);
      if (it != map_.end() && it->second == stamp) live.emplace_back(key, stamp);
    }
    order_.swap(live);
  }
}

std::optional<uint64_t> process_key(const Value& v) {
  switch (v.kind) {
    case ValueKind::kInt:
      if (v.i == 0) return std::nullopt;
      return static_cast<uint64_t>(v.i) * 0x9E3779B97F4A7C15ULL ^ 0x1ULL;
    case ValueKind::kString:
      if (v.s.empty()) return std::nullopt;
      return hash_bytes(v.s, false);
    default:
      return std::nullopt;
  }
}

bool LineageTracker::op_is(const Event& e, const std::vector<int64_t>& codes,
                           const std::vector<std::string>& names) const {
  const Value op = load_field(e, cfg_.op_field);
  switch (op.kind) {
    case ValueKind::kInt:
      for (int64_t c : codes) {
        if (c == op.i) return true;
      }
      return false;
    case ValueKind::kString:
      for (const std::string& n : names) {
        if (n == op.s) return true;
      }
      return false;
    case ValueKind::kStringList:
      for (uint32_t k = 0; k < op.list_count; ++k) {
        for (const std::string& n : names) {
          if (n == op.item(k)) return true;
        }
      }
      return false;
    default:
      return false;
  }
}

void LineageTracker::on_event(const Event& e) {
  if (e.category() != cfg_.process_category) return;
  for (uint64_t k : dead_) {
    members_.erase(k);
    sources_.erase(k);
  }
  dead_.clear();
  const auto pid = process_key(load_field(e, cfg_.pid));
  const bool create = op_is(e, cfg_.create_codes, cfg_.create_names);
  if (create && kind_ != LineageKind::kEventOf) {
    const auto ppid = process_key(load_field(e, cfg_.ppid));
    const bool parent_in =
        ppid && (sources_.contains(*ppid) ||
                 (kind_ == LineageKind::kDescendantOf && members_.contains(*ppid)));
    if (parent_in && pid) members_.insert(*pid);
    return;
  }
  if (!create && pid && op_is(e, cfg_.terminate_codes, cfg_.terminate_names)) {
    dead_.push_back(*pid);
  }
}

void LineageTracker::on_subquery_match(const Event& e) {
  const auto pid = process_key(load_field(e, cfg_.pid));
  if (!pid) return;
  if (kind_ == LineageKind::kEventOf) {
    members_.insert(*pid);
  } else {
    sources_.insert(*pid);
  }
}

bool LineageTracker::test(const Event& e) const {
  const auto pid = process_key(load_field(e, cfg_.pid));
  return pid && members_.contains(*pid);
}

}  // namespace wsn::match
