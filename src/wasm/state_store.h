// The per-rule key/value store behind wsn.state_*: i64 values under byte-string keys, each
// with an optional time-to-live measured in event time (so replays behave like live runs and
// both tiers agree). It outlives module instances: a trap or a tier switch re-creates the
// instance, not the counts.
//
// Bounded: when a new key arrives and the store is full, every expired entry goes first (not
// counted as evictions), then, if still full, the entry that expires soonest is evicted and
// counted; entries without expiry come last, and ties go to the entry whose expiry was set
// first. A hash map finds keys; an index ordered by (expiry, order set) finds the victim, so
// every operation is O(1) expected plus O(log n) for the index (a module can no longer make
// one insert scan the whole store).
//
// Not thread safe (owned by one matcher).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace wsn::wasm {

class StateStore {
 public:
  explicit StateStore(size_t max_entries) : max_entries_(max_entries) {}

  // 0 when absent or expired.
  int64_t get(std::string_view key, int64_t now_ns);
  // ttl_ns <= 0: no expiry.
  void set(std::string_view key, int64_t value, int64_t ttl_ns, int64_t now_ns);
  // Adds to a live entry (keeping its expiry) or starts a new one at `delta` expiring at
  // now + ttl: a window that opens with the first event. Returns the new value.
  int64_t add(std::string_view key, int64_t delta, int64_t ttl_ns, int64_t now_ns);
  bool erase(std::string_view key);

  size_t size() const { return map_.size(); }
  // Live entries dropped to make room (expired entries purged on the way are not counted).
  uint64_t evictions() const { return evictions_; }

 private:
  // Index order: expiry (0 = never, sorted last), then the order expiries were set.
  using Order = std::pair<int64_t, uint64_t>;
  struct Entry {
    int64_t value = 0;
    int64_t expires_ns = 0;  // 0: never
    uint64_t seq = 0;        // position in index_ (with expires_ns)
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;

  static bool expired(const Entry& e, int64_t now_ns) {
    return e.expires_ns != 0 && now_ns >= e.expires_ns;
  }
  static Order order_of(const Entry& e) {
    return {e.expires_ns != 0 ? e.expires_ns : INT64_MAX, e.seq};
  }
  // The entry for `key`, created (zero, no expiry) if absent; `created` tells which.
  Map::iterator insert(std::string_view key, int64_t now_ns, bool& created);
  // Gives `e` a new expiry and moves it in the index.
  void set_expiry(Entry& e, const std::string& key, int64_t expires_ns);
  void remove(Map::iterator it);

  size_t max_entries_;
  Map map_;
  // Keys point into map_'s nodes, which stay put across rehashing.
  std::map<Order, const std::string*> index_;
  uint64_t next_seq_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace wsn::wasm
