#include "match/state_tables.h"

#include "match/strings.h"

namespace wsn::match {

uint64_t hash_key(std::string_view bytes) {
  return hash_bytes(bytes, false);
}

// ---- KeyPool ----

uint32_t KeyPool::find(const KeyRef& k) const {
  if (count_ == 0) return kNoKey;
  const uint64_t tag = k.hash >> 32;
  for (size_t i = home(k.hash);; i = (i + 1) & mask_) {
    const uint64_t s = slots_[i];
    const uint32_t id = id_of(s);
    if (id == kNoKey) return kNoKey;
    if ((s >> 32) == tag && recs_[id].hash == k.hash && bytes(id) == k.bytes) return id;
  }
}

uint32_t KeyPool::acquire(const KeyRef& k) {
  uint32_t id = find(k);
  if (id != kNoKey) {
    ++recs_[id].refs;
    return id;
  }
  if ((count_ + 1) * 4 > slots_.size() * 3) grow();
  if (free_ids_.empty()) {
    id = static_cast<uint32_t>(recs_.size());
    recs_.emplace_back();
  } else {
    id = free_ids_.back();
    free_ids_.pop_back();
  }
  Rec& r = recs_[id];
  r.hash = k.hash;
  r.off = static_cast<uint32_t>(arena_.size());
  r.len = static_cast<uint32_t>(k.bytes.size());
  r.refs = 1;
  r.rules = 0;
  arena_.append(k.bytes);
  size_t i = home(k.hash);
  while (id_of(slots_[i]) != kNoKey) i = (i + 1) & mask_;
  slots_[i] = slot_of(k.hash, id);
  ++count_;
  ++epoch_;
  return id;
}

void KeyPool::release(uint32_t id) {
  Rec& r = recs_[id];
  if (--r.refs > 0) return;
  // Backward-shift deletion keeps every probe sequence free of holes (no tombstones).
  size_t i = home(r.hash);
  while (id_of(slots_[i]) != id) i = (i + 1) & mask_;
  for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
    const uint64_t s = slots_[j];
    if (id_of(s) == kNoKey) break;
    const size_t h = home(recs_[id_of(s)].hash);
    // Move s into the hole at i unless its home lies cyclically in (i, j].
    if (((j - h) & mask_) >= ((j - i) & mask_)) {
      slots_[i] = s;
      i = j;
    }
  }
  slots_[i] = ~uint64_t{0};
  garbage_ += r.len;
  r.len = 0;
  free_ids_.push_back(id);
  --count_;
  ++epoch_;
  if (garbage_ > 4096 && garbage_ * 2 > arena_.size()) compact_arena();
}

void KeyPool::grow() {
  const size_t cap = slots_.empty() ? 64 : slots_.size() * 2;
  std::vector<uint64_t> old(cap, ~uint64_t{0});
  old.swap(slots_);
  mask_ = cap - 1;
  for (uint64_t s : old) {
    const uint32_t id = id_of(s);
    if (id == kNoKey) continue;
    size_t i = home(recs_[id].hash);
    while (id_of(slots_[i]) != kNoKey) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

// Forgotten keys leave holes in the arena; once they are half of it, live keys are copied
// together (ids stay, offsets change).
void KeyPool::compact_arena() {
  std::string packed;
  packed.reserve(arena_.size() - garbage_);
  for (Rec& r : recs_) {
    if (r.refs == 0) continue;
    const auto off = static_cast<uint32_t>(packed.size());
    packed.append(arena_, r.off, r.len);
    r.off = off;
  }
  arena_.swap(packed);
  garbage_ = 0;
}

// ---- IdTable ----

int64_t IdTable::put(uint32_t key, uint32_t value) {
  if ((count_ + 1) * 4 > slots_.size() * 3) grow();
  size_t i = home(key);
  for (;; i = (i + 1) & mask_) {
    const uint64_t s = slots_[i];
    if (key_of(s) == key) {
      slots_[i] = uint64_t{key} << 32 | value;
      return static_cast<int64_t>(value_of(s));
    }
    if (key_of(s) == kNoKey) break;
  }
  slots_[i] = uint64_t{key} << 32 | value;
  ++count_;
  return -1;
}

void IdTable::erase(uint32_t key, uint32_t value) {
  if (count_ == 0) return;
  size_t i = home(key);
  for (;; i = (i + 1) & mask_) {
    const uint64_t s = slots_[i];
    if (key_of(s) == kNoKey) return;
    if (key_of(s) == key) {
      if (value_of(s) != value) return;
      break;
    }
  }
  for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
    const uint64_t s = slots_[j];
    if (key_of(s) == kNoKey) break;
    const size_t h = home(key_of(s));
    if (((j - h) & mask_) >= ((j - i) & mask_)) {
      slots_[i] = s;
      i = j;
    }
  }
  slots_[i] = ~uint64_t{0};
  --count_;
}

void IdTable::grow() {
  const size_t cap = slots_.empty() ? 8 : slots_.size() * 2;
  std::vector<uint64_t> old(cap, ~uint64_t{0});
  old.swap(slots_);
  mask_ = cap - 1;
  for (uint64_t s : old) {
    if (key_of(s) == kNoKey) continue;
    size_t i = home(key_of(s));
    while (key_of(slots_[i]) != kNoKey) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

}  // namespace wsn::match
