#include "wasm/state_store.h"

#include <limits>

namespace wsn::wasm {

int64_t StateStore::get(std::string_view key, int64_t now_ns) {
  auto it = map_.find(key);
  if (it == map_.end()) return 0;
  if (expired(it->second, now_ns)) {
    map_.erase(it);
    return 0;
  }
  return it->second.value;
}

StateStore::Entry& StateStore::insert(std::string_view key, int64_t now_ns, bool& created) {
  created = false;
  auto it = map_.find(key);
  if (it != map_.end()) return it->second;
  created = true;
  if (map_.size() >= max_entries_ && max_entries_ > 0) {
    for (auto e = map_.begin(); e != map_.end();) {
      e = expired(e->second, now_ns) ? map_.erase(e) : std::next(e);
    }
    if (map_.size() >= max_entries_) {
      auto victim = map_.begin();
      int64_t soonest = std::numeric_limits<int64_t>::max();
      for (auto e = map_.begin(); e != map_.end(); ++e) {
        const int64_t at =
            e->second.expires_ns ? e->second.expires_ns : std::numeric_limits<int64_t>::max();
        if (at < soonest) {
          soonest = at;
          victim = e;
        }
      }
      map_.erase(victim);
      ++evictions_;
    }
  }
  return map_.emplace(std::string(key), Entry{}).first->second;
}

void StateStore::set(std::string_view key, int64_t value, int64_t ttl_ns, int64_t now_ns) {
  bool created = false;
  Entry& e = insert(key, now_ns, created);
  e.value = value;
  e.expires_ns = ttl_ns > 0 ? now_ns + ttl_ns : 0;
}

int64_t StateStore::add(std::string_view key, int64_t delta, int64_t ttl_ns, int64_t now_ns) {
  bool created = false;
  Entry& e = insert(key, now_ns, created);
  if (created || expired(e, now_ns)) {
    e.value = 0;
    e.expires_ns = ttl_ns > 0 ? now_ns + ttl_ns : 0;
  }
  e.value += delta;
  return e.value;
}

bool StateStore::erase(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return false;
  map_.erase(it);
  return true;
}

}  // namespace wsn::wasm
