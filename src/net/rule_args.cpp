#include "net/rule_args.h"

#include <charconv>
#include <sstream>
#include <string>
#include <vector>

namespace wsn::net {
namespace {

Error invalid(std::string m) {
  return Error{std::move(m), 0, ErrorCode::kInvalid};
}

bool to_u32(const std::string& s, uint32_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<NetRule> parse_rule_args(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  NetRule r;
  bool has_action = false;
  for (size_t i = 0; i < words.size(); i += 2) {
    const std::string& k = words[i];
    if (k.rfind("--", 0) != 0) return invalid("expected an option such as --src, got '" + k + "'");
    if (i + 1 >= words.size()) return invalid(k + " needs a value");
    const std::string& v = words[i + 1];
    if (k == "--id" || k == "--priority") {
      uint32_t n = 0;
      if (!to_u32(v, n) || (k == "--id" && n == 0))
        return invalid(k + " must be a number" + (k == "--id" ? " from 1" : "") + ", not '" + v +
                       "'");
      (k == "--id" ? r.id : r.priority) = n;
    } else if (k == "--src" || k == "--dst") {
      auto c = parse_cidr(v);
      if (!c.ok()) return invalid(k + ": " + c.error().message);
      (k == "--src" ? r.src : r.dst) = c.value();
    } else if (k == "--sport" || k == "--dport") {
      auto p = parse_port_range(v);
      if (!p.ok()) return invalid(k + ": " + p.error().message);
      (k == "--sport" ? r.sport : r.dport) = p.value();
    } else if (k == "--proto") {
      auto p = parse_protocol(v);
      if (!p.ok()) return invalid(k + ": " + p.error().message);
      r.proto = p.value();
    } else if (k == "--action") {
      auto a = parse_action(v);
      if (!a.ok()) return invalid(k + ": " + a.error().message);
      r.action = a.value();
      has_action = true;
    } else {
      return invalid(
          "unknown option " + k +
          " (expected --id, --priority, --src, --dst, --sport, --dport, --proto, --action)");
    }
  }
  if (!has_action) return invalid("--action pass|drop|inspect is required");
  if (auto st = validate_rule(r); !st.ok()) return st.error();
  return r;
}

}  // namespace wsn::net
