// The XDP network edge as an event source: at start it loads (or reuses) the pinned filter,
// applies the configured settings and rules and attaches the configured interfaces; while it
// runs it turns the packets the filter copies for inspection into `network` events, and it
// expires timed blocks. The filter, its rules and attachments stay when the agent stops:
// protection does not end with the process (`net detach` ends it).
//
// Thread safety: run() on the source's thread; stop() and stats() from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/rule_table.h"
#include "wsn/source.h"

namespace wsn::xdp {

struct XdpSourceOptions {
  std::string pin_dir;
  std::vector<std::pair<std::string, net::AttachMode>> interfaces;
  std::optional<net::FilterSettings> settings;  // nullopt: leave the pinned filter's
  std::vector<net::NetRule> rules;              // upserted by id at start
};

class XdpSource final : public EventSource {
 public:
  XdpSource(XdpSourceOptions o, FieldRegistry& registry,
            std::function<void(const std::string&)> report);
  ~XdpSource() override;

  std::string_view name() const override { return "xdp"; }
  DropPolicy drop_policy() const override { return DropPolicy::kDrop; }
  bool live() const override { return true; }
  Status prepare(const EventInterest& wanted) override;
  bool may_emit(const EventInterest::Want& w) const override;
  std::vector<std::string> describe() const override;
  Status run(EventWriter& out) override;
  void stop() override { stop_.store(true); }
  SourceStats stats() const override;
  void metrics(std::vector<SourceMetric>& out) const override;

 private:
  XdpSourceOptions o_;
  FieldRegistry& registry_;
  std::function<void(const std::string&)> report_;
  std::optional<net::XdpFilter> filter_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> lost_{0};
};

}  // namespace wsn::xdp
