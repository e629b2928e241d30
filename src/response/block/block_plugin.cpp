#include "response/block/block_plugin.h"

#include <mutex>
#include <optional>

#include "net/blocks.h"
#include "response/block/block_target.h"

namespace wsn::plugins {
namespace {

struct BlockConfig final : PluginConfig {
  int64_t ttl_ns = 600'000'000'000;  // 10 minutes
  std::string scope = "address";     // address | port
  std::string pin_dir = net::kDefaultPinDir;
};

class BlockAction final : public ResponseAction {
 public:
  explicit BlockAction(const BlockConfig& c) : c_(c) {}
  std::string_view name() const override { return "block"; }
  std::vector<std::string> results() const override {
    return {"blocked", "dry_run", "no_address", "refused", "no_filter", "failed"};
  }
  ActionOutcome run(const RuleMeta&, std::span<const Event* const> events, bool dry_run) override {
    ActionOutcome o;
    response::BlockTarget t = response::block_target(events, c_.scope == "port", c_.ttl_ns);
    if (!t.found) {
      o.result = "no_address";
      o.detail = "no event of the detection has a remote address (destination.ip or source.ip)";
      return o;
    }
    o.target.push_back({"address", t.block.address.to_string(), false});
    if (t.block.scope != net::BlockScope::kAddress) {
      o.target.push_back({"port", std::to_string(t.block.port), true});
      o.target.push_back({"transport", std::string(net::protocol_name(t.block.proto)), false});
    }
    o.target.push_back({"ttl_seconds", std::to_string(c_.ttl_ns / 1'000'000'000), true});
    if (!t.refused.empty()) {
      o.result = "refused";
      o.detail = t.block.address.to_string() + " is " + t.refused;
      return o;
    }
    if (!filter_) {
      // Opened on first use: the filter may be attached (`net attach`) after the agent starts.
      auto f = net::XdpFilter::open(c_.pin_dir, /*create=*/false);
      if (!f.ok()) {
        o.result = "no_filter";
        o.detail = f.error().message;
        return o;
      }
      filter_.emplace(std::move(f.value()));
    }
    if (dry_run) {
      o.result = "dry_run";
      return o;
    }
    if (auto st = net::add_block(*filter_, t.block); !st.ok()) {
      o.result = "failed";
      o.detail = st.error().message;
      return o;
    }
    o.result = "blocked";
    return o;
  }

 private:
  BlockConfig c_;
  std::optional<net::XdpFilter> filter_;
};

}  // namespace

ActionPlugin block_action_plugin() {
  ActionPlugin p;
  p.name = "block";
  p.summary = "timed block in the XDP filter for the detection's remote address (docs/network.md)";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<BlockConfig>();
    s.known_keys({"ttl", "scope", "pin_dir"});
    s.read_duration("ttl", c->ttl_ns, 1'000'000'000);
    s.read_choice("scope", c->scope, {"address", "port"});
    s.read_string("pin_dir", c->pin_dir);
    return c;
  };
  p.create = [](const PluginConfig& pc, ActionContext&) -> Result<std::unique_ptr<ResponseAction>> {
    return std::unique_ptr<ResponseAction>(
        std::make_unique<BlockAction>(static_cast<const BlockConfig&>(pc)));
  };
  return p;
}

}  // namespace wsn::plugins
