#include "net/status_json.h"

#include "net/xdp_filter.h"

namespace wsn::net {
namespace {

void quoted(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

std::string not_attached(const std::string& status) {
  std::string out = "{\"attached\":false,\"status\":";
  quoted(status, out);
  return out + ",\"interfaces\":[],\"rules\":[],\"counters\":{}}";
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
  std::string out = "{\"attached\":";
  out += attached->empty() ? "false" : "true";
  out += ",\"status\":";
  quoted(attached->empty() ? "loaded, attached to no interface" : "attached", out);
  out += ",\"interfaces\":[";
  for (size_t i = 0; i < attached->size(); ++i) {
    if (i) out += ',';
    out += "{\"name\":";
    quoted((*attached)[i].iface, out);
    out +=
        (*attached)[i].mode == AttachMode::kNative ? ",\"mode\":\"native\"}" : ",\"mode\":\"skb\"}";
  }
  out += "],\"rules\":[";
  for (size_t i = 0; i < rules->size(); ++i) {
    const StoredRule& s = (*rules)[i];
    auto c = filter->rule_counter(s.slot);
    if (i) out += ',';
    out += "{\"id\":\"" + std::to_string(s.rule.id) + "\",\"action\":\"" +
           std::string(action_name(s.rule.action)) + "\",\"match\":";
    quoted(s.rule.to_string(), out);
    out += ",\"packets\":" + std::to_string(c.ok() ? c->packets : 0) +
           ",\"bytes\":" + std::to_string(c.ok() ? c->bytes : 0) + "}";
  }
  out += "],\"counters\":{\"packets\":" + std::to_string(stats->packets) +
         ",\"dropped\":" + std::to_string(stats->dropped) +
         ",\"passed\":" + std::to_string(stats->passed) +
         ",\"blocked\":" + std::to_string(stats->blocked) +
         ",\"malformed\":" + std::to_string(stats->malformed) + "}}";
  return out;
}

}  // namespace wsn::net
