// Process ancestry for alert enrichment: a bounded table of the processes seen in process
// events (and the parents those events name), so an alert can list the parent, grandparent …
// of the process that triggered it — beyond the one parent level an event carries.
//
// Processes are keyed by process.entity_id, or by host.name + pid when events carry no entity
// ids. An entry is updated by every later process event of the same process (an exec changes
// its name and command line). When full, the process seen first is forgotten first.
//
// Thread safety: none; used from the detection thread, in event order, which makes the
// ancestry in alerts deterministic on replay.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "wsn/alert.h"
#include "wsn/event.h"

namespace wsn {

class ProcessAncestry {
 public:
  explicit ProcessAncestry(size_t capacity) : capacity_(capacity) {}

  // Learns from `e` when it is a process event (others are ignored at the cost of one compare).
  void observe(const Event& e);
  // The ancestors of the process of `e`, parent first, at most `depth`; the parent falls back to
  // the event's own process.parent.* fields when the table does not know it.
  void ancestors(const Event& e, size_t depth, std::vector<AncestorInfo>& out) const;

  size_t size() const { return table_.size(); }
  uint64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    AncestorInfo info;
    std::string parent_key;  // "" when unknown
  };
  // Key of the process (parent = false) or of its parent (parent = true) into `out`; false
  // when the event has no usable identity.
  static bool key_of(const Event& e, bool parent, std::string& out);
  Entry& upsert(const std::string& key);

  size_t capacity_;
  std::unordered_map<std::string, Entry> table_;
  std::deque<std::string> order_;  // keys, first seen first
  uint64_t evictions_ = 0;
  std::string key_, parent_key_;  // scratch, reused
};

}  // namespace wsn
