#include "net/rule_table.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace wsn::net {
namespace {

class DirLock {
 public:
  explicit DirLock(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY)) {
    if (fd_ >= 0 && flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  bool held() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace

template <typename Change>
Status RuleTable::change(Change&& fn) {
  DirLock lock(filter_.pin_dir());
  if (!lock.held()) {
    return Error{"lock " + filter_.pin_dir() + ": " + std::strerror(errno), errno};
  }
  auto stored = filter_.stored_rules();
  if (!stored.ok()) return stored.error();
  std::vector<StoredRule> before = stored.value();
  std::vector<StoredRule> after = before;
  if (auto st = fn(after); !st.ok()) return st;

  std::vector<SlottedRule> slotted;
  for (const StoredRule& s : after) slotted.push_back({s.rule, s.slot});
  auto compiled = compile_rules(slotted);
  if (!compiled.ok()) return compiled.error();

  // Store first (the specs are not read by the data path), then swap the compiled set in.
  std::set<uint32_t> kept;
  for (const StoredRule& s : after) kept.insert(s.rule.id);
  std::set<uint32_t> old_slots;
  for (const StoredRule& s : before) old_slots.insert(s.slot);
  for (const StoredRule& s : after) {
    if (!old_slots.count(s.slot)) {
      if (auto st = filter_.reset_rule_counter(s.slot); !st.ok()) return st;
    }
    if (auto st = filter_.store_rule(s); !st.ok()) return st;
  }
  if (auto st = filter_.apply(compiled.value()); !st.ok()) return st;
  for (const StoredRule& s : before)
    if (!kept.count(s.rule.id))
      if (auto st = filter_.erase_rule(s.rule.id); !st.ok()) return st;
  return {};
}

namespace {

Result<uint32_t> free_slot(const std::vector<StoredRule>& rules) {
  std::set<uint32_t> used;
  for (const StoredRule& s : rules) used.insert(s.slot);
  for (uint32_t slot = 0; slot < kMaxRuleSlots; ++slot)
    if (!used.count(slot)) return slot;
  return Error{"the filter holds at most " + std::to_string(kMaxRuleSlots) + " rules", 0,
               ErrorCode::kResource};
}

}  // namespace

Result<uint32_t> RuleTable::add(NetRule rule) {
  if (auto st = validate_rule(rule); !st.ok()) return st.error();
  uint32_t id = rule.id;
  Status st = change([&](std::vector<StoredRule>& rules) -> Status {
    if (id == 0) {
      uint32_t max_id = 0;
      for (const StoredRule& s : rules) max_id = std::max(max_id, s.rule.id);
      id = max_id + 1;
    }
    for (const StoredRule& s : rules)
      if (s.rule.id == id)
        return Error{"a rule with id " + std::to_string(id) + " exists already (`net rule list`)",
                     EEXIST, ErrorCode::kInvalid};
    auto slot = free_slot(rules);
    if (!slot.ok()) return slot.error();
    rule.id = id;
    rules.push_back({rule, slot.value()});
    return {};
  });
  if (!st.ok()) return st.error();
  return id;
}

Status RuleTable::remove(uint32_t id) {
  return change([&](std::vector<StoredRule>& rules) -> Status {
    auto it = std::find_if(rules.begin(), rules.end(),
                           [&](const StoredRule& s) { return s.rule.id == id; });
    if (it == rules.end())
      return Error{"no rule with id " + std::to_string(id) + " (`net rule list`)", ENOENT,
                   ErrorCode::kNotFound};
    rules.erase(it);
    return {};
  });
}

Status RuleTable::clear() {
  return change([](std::vector<StoredRule>& rules) -> Status {
    rules.clear();
    return {};
  });
}

Status RuleTable::replace(std::vector<NetRule> wanted) {
  std::set<uint32_t> ids;
  for (const NetRule& r : wanted) {
    if (auto st = validate_rule(r); !st.ok()) return st;
    if (r.id == 0 || !ids.insert(r.id).second)
      return Error{"network rules from configuration need distinct ids", 0, ErrorCode::kInvalid};
  }
  return change([&](std::vector<StoredRule>& rules) -> Status {
    std::vector<StoredRule> next;
    std::set<uint32_t> used;
    // A rule that keeps its id keeps its slot, so its counters go on.
    for (const NetRule& r : wanted)
      for (const StoredRule& s : rules)
        if (s.rule.id == r.id) {
          next.push_back({r, s.slot});
          used.insert(s.slot);
        }
    uint32_t slot = 0;
    for (const NetRule& r : wanted) {
      bool kept = std::any_of(next.begin(), next.end(),
                              [&](const StoredRule& s) { return s.rule.id == r.id; });
      if (kept) continue;
      while (used.count(slot)) ++slot;
      if (slot >= kMaxRuleSlots) return Error{"too many network rules", 0, ErrorCode::kResource};
      next.push_back({r, slot});
      used.insert(slot);
    }
    rules = std::move(next);
    return {};
  });
}

Status RuleTable::upsert(std::vector<NetRule> wanted) {
  std::set<uint32_t> ids;
  for (const NetRule& r : wanted) {
    if (auto st = validate_rule(r); !st.ok()) return st;
    if (r.id == 0 || !ids.insert(r.id).second)
      return Error{"network rules from configuration need distinct ids from 1", 0,
                   ErrorCode::kInvalid};
  }
  return change([&](std::vector<StoredRule>& rules) -> Status {
    for (const NetRule& r : wanted) {
      auto same = std::find_if(rules.begin(), rules.end(),
                               [&](const StoredRule& s) { return s.rule.id == r.id; });
      if (same != rules.end()) {
        same->rule = r;  // keeps its slot: its counters go on
        continue;
      }
      auto slot = free_slot(rules);
      if (!slot.ok()) return slot.error();
      rules.push_back({r, slot.value()});
    }
    return {};
  });
}

}  // namespace wsn::net
