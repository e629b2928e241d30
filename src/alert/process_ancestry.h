// Process ancestry for alert enrichment: a bounded table of the processes seen in process
// events (and the parents those events name), so an alert can list the parent, grandparent …
// of the process that triggered it — beyond the one parent level an event carries.
//
// Processes are keyed by process.entity_id, or by host.name + pid when events carry no entity
// ids. An entry is updated by every later process event of the same process (an exec changes
// its name and command line). A process that ended (event.type "end") stays known while it is
// among the kMaxExited most recent ends (an alert may come after its parent exited), then its
// entry is freed for reuse: the table's memory follows the live processes, not the host's
// process churn. When full anyway, the process seen first is forgotten first (a freed entry
// reused by a newer process is overwritten in its place's turn).
//
// Thread safety: none; used from the detection thread, in event order, which makes the
// ancestry in alerts deterministic on replay.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/alert.h"
#include "wsn/event.h"

namespace wsn {

class ProcessAncestry {
 public:
  // Ended processes remembered at most (fewer when the capacity is smaller).
  static constexpr size_t kMaxExited = 2048;

  explicit ProcessAncestry(size_t capacity)
      : capacity_(capacity), max_exited_(std::min(capacity, kMaxExited)) {}

  // Learns from `e` when it is a process event (others are ignored at the cost of one compare).
  void observe(const Event& e);
  // The ancestors of the process of `e`, parent first, at most `depth`; the parent falls back to
  // the event's own process.parent.* fields when the table does not know it.
  void ancestors(const Event& e, size_t depth, std::vector<AncestorInfo>& out) const;

  size_t size() const { return ring_.size() - free_.size(); }
  uint64_t evictions() const { return evictions_; }

 private:
  // One process. Entries live in `ring_` in the order they were first seen; once the table is
  // full the oldest is overwritten, reusing its string buffers, so a warm table allocates little.
  struct Entry {
    std::string key;
    uint64_t hash = 0;
    AncestorInfo info;
    std::string parent_key;   // "" when unknown
    uint32_t generation = 0;  // bumped on reuse: tells a stale exited_ record from a live one
    bool exited = false;
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  // Key of the process (parent = false) or of its parent (parent = true) into `out`; false
  // when the event has no usable identity.
  static bool key_of(const Event& e, bool parent, std::string& out);
  // Index in ring_ of `key`, or kEmpty.
  uint32_t find(std::string_view key, uint64_t hash) const;
  Entry& upsert(const std::string& key);
  void index_insert(uint32_t entry);
  void index_erase(uint32_t entry);
  // Records that the process at `entry` ended; frees the oldest ended entries beyond
  // max_exited_.
  void note_exit(uint32_t entry);

  size_t capacity_;
  size_t max_exited_;
  std::vector<Entry> ring_;
  std::vector<uint32_t> free_;                        // freed entries, reused first
  std::deque<std::pair<uint32_t, uint32_t>> exited_;  // (entry, generation), oldest end first
  size_t oldest_ = 0;  // once ring_ is full: the entry to overwrite next
  // Open addressing over ring_ indexes (kEmpty: free), linear probing, at most half full.
  std::vector<uint32_t> index_;
  size_t mask_ = 0;
  uint64_t evictions_ = 0;
  std::string key_, parent_key_;  // scratch, reused
  // ancestors()' scratch: the key being followed and the entries visited (a cycle in bad data
  // stops the walk), kept so that an alert's walk allocates nothing once warm.
  mutable std::string walk_key_;
  mutable std::vector<uint32_t> walk_seen_;
};

}  // namespace wsn
