// Flat tables behind sequence state (sequence.h).
//
// KeyPool interns encoded join keys: each distinct key is stored once, in one pooled byte
// buffer, and named by a small id that partial matches hold instead of the bytes. The matcher
// hashes a key once per event and key shape, looks its id up once, and then finds partials of
// every rule by that integer; a key no partial holds has no id, so the lookups stop there.
//
// IdTable maps key id -> partial id for one (rule, stage): open addressing with linear probing
// and backward-shift deletion, 8 bytes a slot, no node allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsn::match {

inline constexpr uint32_t kNoKey = 0xFFFFFFFFu;

// Hash of encoded key bytes (hash_bytes, exact).
uint64_t hash_key(std::string_view bytes);

// An encoded key and its hash_key().
struct KeyRef {
  std::string_view bytes;
  uint64_t hash = 0;
};

class KeyPool {
 public:
  // Id of `k`, or kNoKey when no reference to it is held.
  uint32_t find(const KeyRef& k) const;
  // Id of `k` with one more reference (interned when new).
  uint32_t acquire(const KeyRef& k);
  void add_ref(uint32_t id) { ++recs_[id].refs; }
  // A filter of which rules hold the key: after mark(id, r), may_hold(id, r) is true until the
  // key is forgotten; false means no partial of r holds it (true may be a false positive).
  void mark(uint32_t id, uint32_t rule) { recs_[id].rules |= uint64_t{1} << (rule & 63); }
  bool may_hold(uint32_t id, uint32_t rule) const {
    return (recs_[id].rules >> (rule & 63) & 1) != 0;
  }
  // Drops one reference; the key is forgotten (and its id reused later) at zero.
  void release(uint32_t id);
  // Changes whenever a key is interned or forgotten, so a cached find() result is still valid
  // while the epoch is unchanged.
  uint64_t epoch() const { return epoch_; }
  std::string_view bytes(uint32_t id) const {
    return {arena_.data() + recs_[id].off, recs_[id].len};
  }
  size_t size() const { return count_; }

 private:
  struct Rec {
    uint64_t hash = 0;
    uint64_t rules = 0;  // mark() bits
    uint32_t off = 0;
    uint32_t len = 0;
    uint32_t refs = 0;
  };
  // Slot: high 32 bits a tag of the hash, low 32 bits the id (kNoKey: empty).
  static uint64_t slot_of(uint64_t hash, uint32_t id) { return (hash >> 32) << 32 | id; }
  static uint32_t id_of(uint64_t slot) { return static_cast<uint32_t>(slot); }
  size_t home(uint64_t hash) const { return static_cast<size_t>(hash >> 32) & mask_; }
  void grow();
  void compact_arena();

  std::vector<Rec> recs_;
  std::vector<uint32_t> free_ids_;
  std::string arena_;
  size_t garbage_ = 0;  // bytes of forgotten keys still in arena_
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
  uint64_t epoch_ = 0;
};

class IdTable {
 public:
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  // Value stored for `key`, or -1.
  int64_t find(uint32_t key) const {
    if (count_ == 0) return -1;
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      const uint64_t s = slots_[i];
      if (key_of(s) == key) return static_cast<int64_t>(value_of(s));
      if (key_of(s) == kNoKey) return -1;
    }
  }
  // Stores key -> value; returns the value it replaces, or -1.
  int64_t put(uint32_t key, uint32_t value);
  // Removes `key` if it maps to `value`.
  void erase(uint32_t key, uint32_t value);
  template <typename F>
  void for_each(F&& f) const {
    for (uint64_t s : slots_) {
      if (key_of(s) != kNoKey) f(key_of(s), value_of(s));
    }
  }

 private:
  static uint32_t key_of(uint64_t s) { return static_cast<uint32_t>(s >> 32); }
  static uint32_t value_of(uint64_t s) { return static_cast<uint32_t>(s); }
  size_t home(uint32_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask_;
  }
  void grow();

  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace wsn::match
