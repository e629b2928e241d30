#include "net/status_json.h"

#include "common/json_text.h"
#include "net/xdp_filter.h"

namespace wsn::net {
namespace {

std::string not_attached(const std::string& status) {
  std::string out;
  JsonObjectWriter(out)
      .boolean("attached", false)
      .str("status", status)
      .raw("interfaces", "[]")
      .raw("rules", "[]")
      .raw("counters", "{}")
      .close();
  return out;
}

int64_t count(uint64_t n) {
  return static_cast<int64_t>(n);
}

}  // namespace

std::string network_status_json(const std::string& pin_dir) {
  if (!XdpFilter::exists(pin_dir)) return not_attached("network edge not attached");
  auto filter = XdpFilter::open(pin_dir, /*create=*/false);
  if (!filter.ok()) return not_attached(filter.error().message);
  auto attached = filter->attachments();
  auto rules = filter->stored_rules();
  auto stats = filter->stats();
  if (!attached.ok() || !rules.ok() || !stats.ok()) return not_attached("cannot read the filter");
  std::string interfaces = "[";
  for (size_t i = 0; i < attached->size(); ++i) {
    if (i) interfaces += ',';
    JsonObjectWriter(interfaces)
        .str("name", (*attached)[i].iface)
        .str("mode", (*attached)[i].mode == AttachMode::kNative ? "native" : "skb")
        .close();
  }
  interfaces += ']';
  std::string rule_list = "[";
  for (size_t i = 0; i < rules->size(); ++i) {
    const StoredRule& s = (*rules)[i];
    auto c = filter->rule_counter(s.slot);
    if (i) rule_list += ',';
    JsonObjectWriter(rule_list)
        .str("id", std::to_string(s.rule.id))
        .str("action", action_name(s.rule.action))
        .str("match", s.rule.to_string())
        .num("packets", count(c.ok() ? c->packets : 0))
        .num("bytes", count(c.ok() ? c->bytes : 0))
        .close();
  }
  rule_list += ']';
  std::string counters;
  JsonObjectWriter(counters)
      .num("packets", count(stats->packets))
      .num("dropped", count(stats->dropped))
      .num("passed", count(stats->passed))
      .num("blocked", count(stats->blocked))
      .num("malformed", count(stats->malformed))
      .close();
  std::string out;
  JsonObjectWriter(out)
      .boolean("attached", !attached->empty())
      .str("status", attached->empty() ? "loaded, attached to no interface" : "attached")
      .raw("interfaces", interfaces)
      .raw("rules", rule_list)
      .raw("counters", counters)
      .close();
  return out;
}

}  // namespace wsn::net
