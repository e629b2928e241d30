#include "match/sequence.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace wsn::match {

namespace {

void put_u64(std::string& out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

void put_string(std::string& out, std::string_view s, bool fold) {
  put_u64(out, s.size());
  if (!fold) {
    out.append(s);
    return;
  }
  for (char c : s) out.push_back(fold_char(c));
}

}  // namespace

bool encode_key(const Program& p, const std::vector<NodeRef>& keys, EvalContext& ctx,
                const std::vector<bool>& nullable, bool fold, std::string& out) {
  out.clear();
  for (size_t k = 0; k < keys.size(); ++k) {
    const Value v = evaluate(p, keys[k], ctx);
    switch (v.kind) {
      case ValueKind::kNull:
        if (k >= nullable.size() || !nullable[k]) return false;
        out.push_back('N');
        break;
      case ValueKind::kBool:
        out.push_back('B');
        out.push_back(v.b ? '1' : '0');
        break;
      case ValueKind::kInt:
        out.push_back('I');
        put_u64(out, static_cast<uint64_t>(v.i));
        break;
      case ValueKind::kFloat:
        // Integral floats join with integers (1 == 1.0).
        if (std::isfinite(v.f) && std::floor(v.f) == v.f && std::fabs(v.f) < 9.2e18) {
          out.push_back('I');
          put_u64(out, static_cast<uint64_t>(static_cast<int64_t>(v.f)));
        } else {
          out.push_back('F');
          uint64_t bits;
          std::memcpy(&bits, &v.f, 8);
          put_u64(out, bits);
        }
        break;
      case ValueKind::kString:
        out.push_back('S');
        put_string(out, v.s, fold);
        break;
      case ValueKind::kIp:
        out.push_back('P');
        out.append(reinterpret_cast<const char*>(v.ip->bytes.data()), v.ip->bytes.size());
        break;
      case ValueKind::kStringList:
        out.push_back('L');
        put_u64(out, v.list_count);
        for (uint32_t i = 0; i < v.list_count; ++i) put_string(out, v.item(i), fold);
        break;
    }
  }
  return true;
}

uint32_t EventCopies::make(const Event& e) {
  if (free_.empty()) {
    events_.push_back(std::make_unique<Event>(e));
    refs_.push_back(0);
    return static_cast<uint32_t>(events_.size() - 1);
  }
  const uint32_t id = free_.back();
  free_.pop_back();
  if (events_[id]) {
    --idle_;
    *events_[id] = e;  // reuses the buffers
  } else {
    events_[id] = std::make_unique<Event>(e);
  }
  return id;
}

void EventCopies::recycle(uint32_t id) {
  if (idle_ < kMaxIdle) {
    ++idle_;
  } else {
    events_[id].reset();  // after a burst, idle copies do not pin their memory
  }
  free_.push_back(id);
}

SequenceStore::SequenceStore(const SequenceLimits& limits, size_t rule_count)
    : limits_(limits), rules_(rule_count), placed_mask_(rule_count, 0) {}

void SequenceStore::configure(uint32_t rule, uint32_t stages, int64_t maxspan_ns) {
  rules_[rule].stages.resize(stages);
  rules_[rule].maxspan = maxspan_ns;
}

uint32_t SequenceStore::allocate() {
  if (!free_.empty()) {
    const uint32_t id = free_.back();
    free_.pop_back();
    return id;
  }
  slab_.emplace_back();
  live_stamp_.push_back(0);
  return static_cast<uint32_t>(slab_.size() - 1);
}

void SequenceStore::evict_oldest(std::deque<std::pair<uint32_t, uint64_t>>& fifo) {
  while (!fifo.empty()) {
    const auto [id, stamp] = fifo.front();
    fifo.pop_front();
    if (holds_stamp(id, stamp)) {
      release(id);
      ++evicted_;
      return;
    }
  }
}

uint32_t SequenceStore::create(uint32_t rule, const KeyRef& key, int64_t start_ns) {
  RuleState& rs = rules_[rule];
  if (rs.count >= limits_.max_pending_per_rule) evict_oldest(rs.fifo);
  if (live_count_ >= limits_.max_pending_total) evict_oldest(global_fifo_);
  return create_with(rule, keys_.acquire(key), start_ns);
}

// `key` already carries the new partial's reference; the bounds are already enforced.
uint32_t SequenceStore::create_with(uint32_t rule, uint32_t key, int64_t start_ns) {
  RuleState& rs = rules_[rule];
  const uint32_t id = allocate();
  Partial& p = slab_[id];
  p.rule = rule;
  p.stage = 0;
  p.key = key;
  keys_.mark(key, rule);
  if (key >= key_head_.size()) key_head_.resize(key + 1, kNoKey);
  p.key_prev = kNoKey;
  p.key_next = key_head_[key];
  if (p.key_next != kNoKey) slab_[p.key_next].key_prev = id;
  key_head_[key] = id;
  p.start_ns = start_ns;
  p.leading_ns = INT64_MIN;
  p.stamp = next_stamp_++;
  live_stamp_[id] = p.stamp;
  p.live = true;
  p.placed = false;
  p.events.clear();
  ++rs.count;
  ++live_count_;
  ++created_;
  auto compact = [this](std::deque<std::pair<uint32_t, uint64_t>>& fifo, size_t live) {
    if (fifo.size() <= 2 * live + 64) return;
    std::deque<std::pair<uint32_t, uint64_t>> keep;
    for (const auto& e : fifo) {
      if (holds_stamp(e.first, e.second)) keep.push_back(e);
    }
    fifo.swap(keep);
  };
  compact(rs.fifo, rs.count);
  compact(global_fifo_, live_count_);
  rs.fifo.emplace_back(id, p.stamp);
  global_fifo_.emplace_back(id, p.stamp);
  if (rs.maxspan > 0) {
    const int64_t deadline = start_ns + rs.maxspan;
    if (deadline >= rs.last_deadline) {
      rs.last_deadline = deadline;
      arm(rule);
    } else {
      heap_.push({deadline, id, p.stamp});
    }
  }
  return id;
}

uint32_t SequenceStore::clone(uint32_t id) {
  // Copy what the clone needs first: enforcing the bounds may evict the source.
  const Partial& src = slab_[id];
  const uint32_t rule = src.rule;
  const uint32_t key = src.key;
  const int64_t start_ns = src.start_ns;
  const int64_t leading_ns = src.leading_ns;
  clone_events_.clear();
  for (uint32_t e : src.events) clone_events_.push_back(e);
  // The clone's references, taken before an eviction could drop the key or the copies.
  keys_.add_ref(key);
  for (uint32_t e : clone_events_) copies_.hold(e);
  RuleState& rs = rules_[rule];
  if (rs.count >= limits_.max_pending_per_rule) evict_oldest(rs.fifo);
  if (live_count_ >= limits_.max_pending_total) evict_oldest(global_fifo_);
  const uint32_t c = create_with(rule, key, start_ns);
  slab_[c].leading_ns = leading_ns;
  for (uint32_t e : clone_events_) slab_[c].events.push_back(e);
  clone_events_.clear();
  return c;
}

void SequenceStore::place(uint32_t id, uint32_t stage) {
  Partial& p = slab_[id];
  if (p.placed) unplace(id);
  p.stage = stage;
  const int64_t old = rules_[p.rule].stages[stage].put(p.key, id);
  if (stage < 64) placed_mask_[p.rule] |= uint64_t{1} << stage;
  p.placed = true;
  if (old >= 0 && static_cast<uint32_t>(old) != id) {
    slab_[old].placed = false;  // its map slot now holds `id`
    release(static_cast<uint32_t>(old));
  }
}

void SequenceStore::unplace(uint32_t id) {
  Partial& p = slab_[id];
  if (!p.placed) return;
  IdTable& t = rules_[p.rule].stages[p.stage];
  t.erase(p.key, id);
  if (t.empty() && p.stage < 64) placed_mask_[p.rule] &= ~(uint64_t{1} << p.stage);
  p.placed = false;
}

void SequenceStore::release(uint32_t id) {
  Partial& p = slab_[id];
  if (!p.live) return;
  unplace(id);
  p.live = false;
  live_stamp_[id] = 0;
  for (uint32_t e : p.events) copies_.drop(e);
  p.events.clear();
  if (p.key_prev != kNoKey) {
    slab_[p.key_prev].key_next = p.key_next;
  } else {
    key_head_[p.key] = p.key_next;
  }
  if (p.key_next != kNoKey) slab_[p.key_next].key_prev = p.key_prev;
  keys_.release(p.key);
  p.key = kNoKey;
  --rules_[p.rule].count;
  --live_count_;
  free_.push_back(id);
}

size_t SequenceStore::remove_key(uint32_t rule, uint32_t key, uint32_t first, uint32_t last) {
  if (key == kNoKey) return 0;
  size_t n = 0;
  for (uint32_t s = first; s <= last && s < rules_[rule].stages.size(); ++s) {
    const int64_t id = find(rule, s, key);
    if (id >= 0) {
      release(static_cast<uint32_t>(id));
      ++n;
    }
  }
  return n;
}

std::vector<uint32_t> SequenceStore::placed_in(uint32_t rule, uint32_t stage) const {
  std::vector<uint32_t> ids;
  rules_[rule].stages[stage].for_each([&](uint32_t, uint32_t id) { ids.push_back(id); });
  std::sort(ids.begin(), ids.end(),
            [this](uint32_t a, uint32_t b) { return slab_[a].stamp < slab_[b].stamp; });
  return ids;
}

namespace {

// Forgets the oldest keys of `map` (creation order in `fifo`: key and the entry's stamp) until
// it has room for one more; fifo entries of keys removed or re-created meanwhile are skipped.
// Returns how many keys were forgotten.
template <typename Map>
uint64_t evict_oldest_keys(Map& map, std::deque<std::pair<std::string, uint64_t>>& fifo,
                           size_t max_keys) {
  uint64_t evicted = 0;
  while (map.size() >= max_keys && !fifo.empty()) {
    auto [old, stamp] = fifo.front();
    fifo.pop_front();
    auto o = map.find(old);
    if (o != map.end() && o->second.stamp == stamp) {
      map.erase(o);
      ++evicted;
    }
  }
  return evicted;
}

}  // namespace

bool JoinStore::fill(std::string_view key, size_t position, const std::shared_ptr<const Event>& ev,
                     std::vector<std::shared_ptr<const Event>>& out) {
  auto it = map_.find(key);
  if (it == map_.end()) {
    evicted_ += evict_oldest_keys(map_, fifo_, max_keys_);
    if (fifo_.size() > 2 * map_.size() + 64) {  // drop entries of completed/removed keys
      std::deque<std::pair<std::string, uint64_t>> keep;
      for (auto& [k, stamp] : fifo_) {
        auto o = map_.find(k);
        if (o != map_.end() && o->second.stamp == stamp) keep.emplace_back(std::move(k), stamp);
      }
      fifo_.swap(keep);
    }
    Entry e;
    e.slots.resize(positions_);
    e.stamp = next_stamp_++;
    fifo_.emplace_back(std::string(key), e.stamp);
    it = map_.emplace(std::string(key), std::move(e)).first;
  }
  Entry& e = it->second;
  if (e.slots[position]) return false;
  e.slots[position] = ev;
  if (++e.filled < positions_) return false;
  out = std::move(e.slots);
  map_.erase(it);
  return true;
}

bool SampleStore::choose(const Entry& e, size_t filter, std::vector<const Event*>& picked,
                         std::vector<size_t>& at) const {
  if (filter == filters_) return true;
  const auto& cands = e.candidates[filter];
  for (size_t k = 0; k < cands.size(); ++k) {
    const Event* ev = cands[k].get();
    if (std::find(picked.begin(), picked.end(), ev) != picked.end()) continue;
    picked.push_back(ev);
    at.push_back(k);
    if (choose(e, filter + 1, picked, at)) return true;
    picked.pop_back();
    at.pop_back();
  }
  return false;
}

bool SampleStore::offer(std::string_view key, size_t filter, const std::shared_ptr<const Event>& ev,
                        std::vector<std::shared_ptr<const Event>>& out) {
  if (size_ != 0 && reported_ >= size_) return false;
  auto it = map_.find(key);
  if (it == map_.end()) {
    // Oldest key first; a retired key forgotten this way may report again (counted).
    evicted_ += evict_oldest_keys(map_, fifo_, max_keys_);
    Entry e;
    e.candidates.resize(filters_);
    e.stamp = next_stamp_++;
    fifo_.emplace_back(std::string(key), e.stamp);
    it = map_.emplace(std::string(key), std::move(e)).first;
  }
  Entry& e = it->second;
  if (e.samples >= max_per_key_) return false;
  for (const auto& l : e.last) {
    if (l == ev) return false;
  }
  auto& cands = e.candidates[filter];
  if (cands.size() >= filters_) return false;
  for (const auto& c : cands) {
    if (c == ev) return false;
  }
  cands.push_back(ev);
  std::vector<const Event*> picked;
  std::vector<size_t> at;
  if (!choose(e, 0, picked, at)) return false;
  out.clear();
  for (size_t f = 0; f < filters_; ++f) out.push_back(e.candidates[f][at[f]]);
  e.last = out;
  // The chosen events leave every filter's candidates: the next sample of this key (with
  // max_samples_per_key > 1) is made of other events.
  for (auto& list : e.candidates) {
    std::erase_if(list, [&](const std::shared_ptr<const Event>& c) {
      return std::find(picked.begin(), picked.end(), c.get()) != picked.end();
    });
  }
  ++reported_;
  if (++e.samples >= max_per_key_) {
    for (auto& list : e.candidates) {
      list.clear();
      list.shrink_to_fit();
    }
    e.last.clear();  // a retired key takes no events
    e.last.shrink_to_fit();
  }
  return true;
}

bool JoinStore::remove(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return false;
  map_.erase(it);
  return true;
}

}  // namespace wsn::match
