// The per-rule key/value store behind wsn.state_*: i64 values under byte-string keys, each
// with an optional time-to-live measured in event time (so replays behave like live runs and
// both tiers agree). It outlives module instances: a trap or a tier switch re-creates the
// instance, not the counts. Bounded: when full, expired entries go first, then the entry that
// expires soonest.
//
// Not thread safe (owned by one matcher).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

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
  uint64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    int64_t value = 0;
    int64_t expires_ns = 0;  // 0: never
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static bool expired(const Entry& e, int64_t now_ns) {
    return e.expires_ns != 0 && now_ns >= e.expires_ns;
  }
  // The entry for `key`, created (zero, no expiry) if absent; `created` tells which.
  Entry& insert(std::string_view key, int64_t now_ns, bool& created);

  size_t max_entries_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> map_;
  uint64_t evictions_ = 0;
};

}  // namespace wsn::wasm
