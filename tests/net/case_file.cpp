#include "case_file.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace wsn::net::testing {
namespace {

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// --key value pairs (a flag without value maps to "").
Result<std::multimap<std::string, std::string>> options(const std::vector<std::string>& words) {
  std::multimap<std::string, std::string> out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].rfind("--", 0) != 0) return Error{"expected --option, got '" + words[i] + "'"};
    if (words[i] == "--fragment") {
      out.emplace(words[i], "");
      continue;
    }
    if (i + 1 >= words.size()) return Error{words[i] + " needs a value"};
    out.emplace(words[i], words[i + 1]);
    ++i;
  }
  return out;
}

std::string one(const std::multimap<std::string, std::string>& o, const std::string& k) {
  auto it = o.find(k);
  return it == o.end() ? "" : it->second;
}

Result<NetRule> parse_rule(const std::vector<std::string>& words) {
  auto o = options(words);
  if (!o.ok()) return o.error();
  NetRule r;
  for (const auto& [k, v] : o.value()) {
    if (k == "--id")
      r.id = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--priority")
      r.priority = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--src" || k == "--dst") {
      auto c = parse_cidr(v);
      if (!c.ok()) return c.error();
      (k == "--src" ? r.src : r.dst) = c.value();
    } else if (k == "--sport" || k == "--dport") {
      auto p = parse_port_range(v);
      if (!p.ok()) return p.error();
      (k == "--sport" ? r.sport : r.dport) = p.value();
    } else if (k == "--proto") {
      auto p = parse_protocol(v);
      if (!p.ok()) return p.error();
      r.proto = p.value();
    } else if (k == "--action") {
      auto a = parse_action(v);
      if (!a.ok()) return a.error();
      r.action = a.value();
    } else {
      return Error{"unknown rule option " + k};
    }
  }
  if (auto st = validate_rule(r); !st.ok()) return st.error();
  return r;
}

std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return out;
}

Result<std::vector<uint8_t>> parse_packet(const std::vector<std::string>& words) {
  auto o = options(words);
  if (!o.ok()) return o.error();
  if (auto raw = one(o.value(), "--raw"); !raw.empty()) return hex(raw);
  PacketSpec s;
  auto src = parse_address(one(o.value(), "--src"));
  auto dst = parse_address(one(o.value(), "--dst"));
  if (!src.ok()) return src.error();
  if (!dst.ok()) return dst.error();
  s.family = src->family;
  s.src = src->addr;
  s.dst = dst->addr;
  std::string proto = one(o.value(), "--proto");
  auto named = parse_protocol(proto);
  s.proto =
      named.ok() ? static_cast<uint8_t>(named.value()) : static_cast<uint8_t>(std::stoul(proto));
  if (auto p = one(o.value(), "--sport"); !p.empty())
    s.sport = static_cast<uint16_t>(std::stoul(p));
  if (auto p = one(o.value(), "--dport"); !p.empty())
    s.dport = static_cast<uint16_t>(std::stoul(p));
  auto vlans = o->equal_range("--vlan");
  for (auto it = vlans.first; it != vlans.second; ++it)
    s.vlans.push_back(static_cast<uint16_t>(std::stoul(it->second)));
  if (auto ext = one(o.value(), "--ext"); !ext.empty()) {
    std::istringstream in(ext);
    for (std::string t; std::getline(in, t, ',');)
      s.ipv6_ext.push_back(static_cast<uint8_t>(std::stoul(t)));
  }
  s.later_fragment = o->count("--fragment") > 0;
  std::vector<uint8_t> frame = build_frame(s);
  if (auto cut = one(o.value(), "--truncate"); !cut.empty()) frame.resize(std::stoul(cut));
  return frame;
}

}  // namespace

Result<std::vector<XdpCase>> read_cases(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read " + path};
  std::vector<XdpCase> cases;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    auto where = [&](const std::string& why) {
      return Error{path + ":" + std::to_string(n) + ": " + why};
    };
    std::vector<std::string> words = split(line);
    if (words.empty() || words[0][0] == '#') continue;
    if (words[0] == "==") {
      XdpCase c;
      c.name = line.substr(line.find("==") + 3);
      c.line = n;
      cases.push_back(c);
      continue;
    }
    if (cases.empty()) return where("a case starts with '== NAME'");
    XdpCase& c = cases.back();
    if (words[0] == "default" || words[0] == "malformed") {
      if (words.size() != 2) return where("expected '" + words[0] + " pass|drop'");
      auto a = parse_action(words[1]);
      if (!a.ok()) return where(a.error().message);
      (words[0] == "default" ? c.default_action : c.malformed_action) = a.value();
    } else if (words[0] == "rule") {
      auto r = parse_rule({words.begin() + 1, words.end()});
      if (!r.ok()) return where(r.error().message);
      c.rules.push_back(r.value());
    } else if (words[0] == "packet") {
      auto arrow = std::find(words.begin(), words.end(), "=>");
      if (arrow == words.end() || words.end() - arrow != 4 || *(arrow + 2) != "by")
        return where("expected 'packet … => pass|drop by WHO'");
      auto frame = parse_packet({words.begin() + 1, arrow});
      if (!frame.ok()) return where(frame.error().message);
      c.packets.push_back({n, line, frame.value(), *(arrow + 1), *(arrow + 3)});
    } else {
      return where("unknown line kind '" + words[0] + "'");
    }
  }
  return cases;
}

}  // namespace wsn::net::testing
