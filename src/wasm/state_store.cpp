#include "wasm/state_store.h"

#include <cstdint>

namespace wsn::wasm {

namespace {

// now + ttl, saturating (the module chooses the ttl); 0: never.
int64_t expiry(int64_t ttl_ns, int64_t now_ns) {
  if (ttl_ns <= 0) return 0;
  return now_ns > INT64_MAX - ttl_ns ? INT64_MAX : now_ns + ttl_ns;
}

}  // namespace

int64_t StateStore::get(std::string_view key, int64_t now_ns) {
  auto it = map_.find(key);
  if (it == map_.end()) return 0;
  if (expired(it->second, now_ns)) {
    remove(it);
    return 0;
  }
  return it->second.value;
}

void StateStore::remove(Map::iterator it) {
  index_.erase(order_of(it->second));
  map_.erase(it);
}

void StateStore::set_expiry(Entry& e, const std::string& key, int64_t expires_ns) {
  index_.erase(order_of(e));
  e.expires_ns = expires_ns;
  e.seq = next_seq_++;
  index_.emplace(order_of(e), &key);
}

StateStore::Map::iterator StateStore::insert(std::string_view key, int64_t now_ns, bool& created) {
  created = false;
  auto it = map_.find(key);
  if (it != map_.end()) return it;
  created = true;
  if (max_entries_ > 0 && map_.size() >= max_entries_) {
    // Expired entries sort first: purge them all, then evict the soonest to expire.
    while (!index_.empty()) {
      auto victim = map_.find(*index_.begin()->second);
      if (!expired(victim->second, now_ns)) break;
      remove(victim);
    }
    if (map_.size() >= max_entries_) {
      remove(map_.find(*index_.begin()->second));
      ++evictions_;
    }
  }
  auto [node, inserted] = map_.emplace(std::string(key), Entry{});
  (void)inserted;
  node->second.seq = next_seq_++;
  index_.emplace(order_of(node->second), &node->first);
  return node;
}

void StateStore::set(std::string_view key, int64_t value, int64_t ttl_ns, int64_t now_ns) {
  bool created = false;
  auto it = insert(key, now_ns, created);
  it->second.value = value;
  set_expiry(it->second, it->first, expiry(ttl_ns, now_ns));
}

int64_t StateStore::add(std::string_view key, int64_t delta, int64_t ttl_ns, int64_t now_ns) {
  bool created = false;
  auto it = insert(key, now_ns, created);
  Entry& e = it->second;
  if (created || expired(e, now_ns)) {
    e.value = 0;
    set_expiry(e, it->first, expiry(ttl_ns, now_ns));
  }
  e.value += delta;
  return e.value;
}

bool StateStore::erase(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return false;
  remove(it);
  return true;
}

}  // namespace wsn::wasm
