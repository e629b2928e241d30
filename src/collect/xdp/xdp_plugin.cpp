#include "collect/xdp/xdp_plugin.h"

#include <unistd.h>

#include "collect/xdp/xdp_source.h"
#include "net/rule_args.h"

namespace wsn::plugins {
namespace {

struct XdpSourceConfig final : PluginConfig {
  bool enabled = false;
  xdp::XdpSourceOptions options;
};

}  // namespace

SourcePlugin xdp_source_plugin() {
  SourcePlugin p;
  p.name = "xdp";
  p.summary = "the XDP network edge: CIDR/port/protocol filter; `inspect` packets as events";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<XdpSourceConfig>();
    c->options.pin_dir = net::kDefaultPinDir;
    s.known_keys({"enabled", "pin_dir", "interfaces", "default", "malformed", "inspect_packets",
                  "inspect_bytes", "drop_events", "rules"});
    s.read_bool("enabled", c->enabled);
    s.read_string("pin_dir", c->options.pin_dir);
    std::vector<std::string> ifaces;
    s.read_string_list("interfaces", ifaces);
    for (const std::string& i : ifaces) {
      // "eth0" (generic mode) or "eth0:native"
      size_t colon = i.find(':');
      std::string mode = colon == std::string::npos ? "skb" : i.substr(colon + 1);
      if (mode != "skb" && mode != "native") {
        s.error("interfaces", "'" + i + "': the mode after ':' must be native or skb");
        continue;
      }
      c->options.interfaces.emplace_back(
          i.substr(0, colon), mode == "native" ? net::AttachMode::kNative : net::AttachMode::kSkb);
    }
    if (s.has("default") || s.has("malformed") || s.has("inspect_packets") ||
        s.has("inspect_bytes") || s.has("drop_events")) {
      net::FilterSettings fs;
      std::string def = "pass", bad = "pass";
      s.read_choice("default", def, {"pass", "drop"});
      s.read_choice("malformed", bad, {"pass", "drop"});
      uint64_t packets = fs.inspect_packets, bytes = fs.inspect_bytes;
      s.read_uint("inspect_packets", packets, 0, 1'000'000);
      s.read_uint("inspect_bytes", bytes, 0, 512);
      fs.default_action = def == "drop" ? net::Action::kDrop : net::Action::kPass;
      fs.malformed_action = bad == "drop" ? net::Action::kDrop : net::Action::kPass;
      fs.inspect_packets = static_cast<uint32_t>(packets);
      fs.inspect_bytes = static_cast<uint32_t>(bytes);
      s.read_bool("drop_events", fs.drop_events);
      c->options.settings = fs;
    }
    std::vector<std::string> rules;
    s.read_string_list("rules", rules);
    for (size_t i = 0; i < rules.size(); ++i) {
      auto r = net::parse_rule_args(rules[i]);
      if (!r.ok()) {
        s.error("rules",
                "entry " + std::to_string(i + 1) + " '" + rules[i] + "': " + r.error().message);
      } else if (r->id == 0) {
        s.error("rules",
                "entry " + std::to_string(i + 1) + " '" + rules[i] +
                    "': give it an --id, so a restart updates it instead of adding a copy");
      } else {
        c->options.rules.push_back(r.value());
      }
    }
    return c;
  };
  p.enabled = [](const PluginConfig& pc) {
    return static_cast<const XdpSourceConfig&>(pc).enabled;
  };
  p.available = [] {
    if (geteuid() != 0)
      return Status(Error{"the XDP filter needs root", EPERM, ErrorCode::kPermission});
    return Status{};
  };
  p.filled_fields = [] {
    return std::vector<std::string>{"@timestamp",
                                    "event.kind",
                                    "event.category",
                                    "event.type",
                                    "event.action",
                                    "event.module",
                                    "event.dataset",
                                    "source.ip",
                                    "source.port",
                                    "destination.ip",
                                    "destination.port",
                                    "network.transport",
                                    "network.type",
                                    "network.direction",
                                    "network.iana_number",
                                    "network.bytes",
                                    "network.packets",
                                    "observer.ingress.interface.id",
                                    "observer.ingress.interface.name"};
  };
  p.create = [](const PluginConfig& pc,
                SourceContext& ctx) -> Result<std::unique_ptr<EventSource>> {
    const auto& c = static_cast<const XdpSourceConfig&>(pc);
    return std::unique_ptr<EventSource>(
        std::make_unique<xdp::XdpSource>(c.options, ctx.registry, ctx.report));
  };
  return p;
}

}  // namespace wsn::plugins
