// The network rule set as the CLI and the agent change it: rules kept in the filter's pinned
// rule store, each change validated, compiled (classifier.h) and applied as a whole new set
// (XdpFilter::apply), under an exclusive lock on the pin directory so two `net rule add` at
// once cannot lose one another's rule.
//
// Thread safety: one RuleTable per thread; processes serialise through the lock.
#pragma once

#include <cstdint>
#include <vector>

#include "net/xdp_filter.h"

namespace wsn::net {

class RuleTable {
 public:
  explicit RuleTable(XdpFilter& filter) : filter_(filter) {}

  // Adds a rule; id 0 takes the next free id. Returns the id. Refuses a duplicate id.
  Result<uint32_t> add(NetRule rule);
  Status remove(uint32_t id);
  Status clear();
  // Replaces every rule at once.
  Status replace(std::vector<NetRule> rules);
  // Adds these rules, replacing any with the same id (the configuration file's
  // `sources.xdp.rules` at agent start: rules added from the CLI stay).
  Status upsert(std::vector<NetRule> rules);
  Result<std::vector<StoredRule>> list() const { return filter_.stored_rules(); }

 private:
  // Under the lock: mutate the stored rules, compile and apply; nothing changes on failure.
  template <typename Change>
  Status change(Change&& fn);

  XdpFilter& filter_;
};

}  // namespace wsn::net
