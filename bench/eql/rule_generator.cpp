#include "rule_generator.h"

#include <fmt/format.h>

#include <iterator>
#include <set>
#include <string_view>

#include "host_model.h"

namespace wsn::bench::eql {
namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// Arguments of a command string (host_model.h format: '...' groups one argument).
std::vector<std::string_view> split_args(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    const bool q = s[i] == '\'';
    const size_t from = q ? i + 1 : i;
    size_t end = s.find(q ? '\'' : ' ', from);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(from, end - from));
    i = end + (q ? 1 : 0);
  }
  return out;
}

std::string_view dir_of(std::string_view path) {
  return path.substr(0, path.rfind('/') + 1);
}

// A name that everyday programs of the host also run under.
bool everyday_name(std::string_view name) {
  for (const ProgramProfile& p : host_programs()) {
    if (!p.suspicious && p.name == name) return true;
  }
  return false;
}

bool common_dir(std::string_view dir) {
  return dir == "/usr/bin/" || dir == "/usr/sbin/" || dir.starts_with("/usr/lib/");
}

// Literals are drawn through two "programs": `anchor_` for a rule's first (most selective)
// condition and `refine_` for the others. Null means: use a literal absent from the host.
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  GeneratedRule make(size_t k) {
    GeneratedRule rule;
    const uint64_t r = roll(100);
    rule.source = r < 45   ? RuleSource::kAttack
                  : r < 47 ? RuleSource::kNoisy
                  : r < 70 ? RuleSource::kNearMiss
                           : RuleSource::kForeign;
    anchor_ = refine_ = nullptr;
    if (rule.source != RuleSource::kForeign) {
      anchor_ = &pick_program(rule.source == RuleSource::kAttack);
      if (rule.source != RuleSource::kNearMiss) refine_ = anchor_;
    }
    if (k % 5 == 4) {
      rule.shape = RuleShape::kSequence;
      rule.query = sequence();
    } else if (k % 25 == 7) {
      rule.shape = RuleShape::kRegex;
      rule.query = regex();
    } else {
      static constexpr RuleShape kSingle[] = {
          RuleShape::kEquality,    RuleShape::kEquality,   RuleShape::kWildcard,
          RuleShape::kWildcard,    RuleShape::kWildcard,   RuleShape::kInList,
          RuleShape::kInList,      RuleShape::kStartsWith, RuleShape::kFilePattern,
          RuleShape::kFilePattern, RuleShape::kNetwork,    RuleShape::kNetwork};
      rule.shape = kSingle[roll(std::size(kSingle))];
      switch (rule.shape) {
        case RuleShape::kEquality:
          rule.query = equality();
          break;
        case RuleShape::kWildcard:
          rule.query = wildcard();
          break;
        case RuleShape::kInList:
          rule.query = in_list();
          break;
        case RuleShape::kStartsWith:
          rule.query = starts_with();
          break;
        case RuleShape::kFilePattern:
          rule.query = file_pattern();
          break;
        default:
          rule.query = network();
          break;
      }
    }
    return rule;
  }

 private:
  using P = const ProgramProfile*;

  uint64_t roll(uint64_t n) { return splitmix64(rng_) % n; }
  template <typename T>
  const T& any(const std::vector<T>& v) {
    return v[roll(v.size())];
  }
  const ProgramProfile& pick_program(bool suspicious) {
    const auto& programs = host_programs();
    for (;;) {
      const ProgramProfile& p = programs[roll(programs.size())];
      if (p.suspicious == suspicious && !p.daemon) return p;
    }
  }

  std::string_view name(P p) { return p ? p->name : any(foreign_names()); }
  // A command-line fragment (≥ 3 bytes) of the program.
  std::string token(P p) {
    if (p) {
      const auto args = split_args(any(p->commands));
      std::string_view longest;
      for (int tries = 0; tries < 4 && !args.empty(); ++tries) {
        const std::string_view a = any(args);
        if (a.size() >= 3) return std::string(a);
        if (a.size() > longest.size()) longest = a;
      }
      for (std::string_view a : args) longest = a.size() > longest.size() ? a : longest;
      // "-l" alone would be in half the command lines of the host: use the name instead.
      if (longest.size() >= 3) return std::string(longest);
      return std::string(p->name);
    }
    return std::string(any(foreign_tokens()));
  }
  // A path the program writes, whole or with a wildcard for the directory or the name.
  std::string path_pattern(P p) {
    if (!p || p->files.empty()) return std::string(any(foreign_dirs())) + "*";
    const std::string_view path = any(p->files);
    switch (roll(3)) {
      case 0:
        return std::string(dir_of(path)) + "*" + std::string(path.substr(path.size() - 2));
      case 1:
        return "*" + std::string(path.substr(path.rfind('/')));
      default:
        return std::string(path);
    }
  }
  int port(P p) {
    if (p && !p->peers.empty()) {
      const std::string_view peer = any(p->peers);
      return std::stoi(std::string(peer.substr(peer.find(':') + 1)));
    }
    return any(foreign_ports());
  }
  // `(must, …)`: n distinct names, the others host names or foreign ones.
  std::string names_list(size_t n, std::string_view must, bool host_fillers) {
    std::set<std::string_view> seen = {must};
    std::string out = "(" + quote(must);
    while (seen.size() < n) {
      const std::string_view v = host_fillers && roll(3) == 0
                                     ? host_programs()[roll(host_programs().size())].name
                                     : any(foreign_names());
      if (seen.insert(v).second) out += ", " + quote(v);
    }
    return out + ")";
  }

  std::string equality() {
    std::string q = fmt::format("process where event.type == \"start\" and process.name == {}",
                                quote(name(anchor_)));
    if (refine_ && refine_->suspicious && everyday_name(refine_->name)) {
      // `bash`, `curl` …: the name alone would flag every everyday run.
      return q + " and process.command_line : " + quote("*" + token(refine_) + "*");
    }
    switch (roll(3)) {
      case 0:
        return q + " and process.parent.name == " +
               quote(refine_ ? host_programs()[roll(host_programs().size())].name
                             : any(foreign_names()));
      case 1:
        return q + " and process.user.name == " +
               quote(refine_ ? any(host_users()).name : any(foreign_users()));
      default:
        return q + " and process.executable == " +
               quote(refine_ ? std::string(refine_->executable)
                             : "/usr/local/bin/" + std::string(name(anchor_)));
    }
  }
  std::string wildcard() {
    std::string q =
        fmt::format("process where event.type == \"start\" and process.command_line : {}",
                    quote("*" + token(anchor_) + "*"));
    if (!refine_)
      return q + " and process.parent.name in " + names_list(3, any(foreign_names()), false);
    switch (roll(3)) {
      case 0:
        return q + " and process.name : " + quote(std::string(name(refine_).substr(0, 2)) + "*");
      case 1:
        return q + " and not process.parent.name in " + names_list(3, any(foreign_names()), false);
      default:
        return q;
    }
  }
  std::string in_list() {
    return fmt::format(
        "process where event.type == \"start\" and process.name in {} and process.args : ({}, {})",
        names_list(2 + roll(5), name(anchor_), true), quote(token(refine_)), quote(token(refine_)));
  }
  std::string starts_with() {
    const std::string_view exe = anchor_ ? anchor_->executable : std::string_view("/var/tmp/.x");
    if (!common_dir(dir_of(exe)) && roll(2)) {
      std::string q = fmt::format(
          "process where event.type == \"start\" and startsWith(process.executable, {})",
          quote(dir_of(exe)));
      return refine_ ? q : q + " and process.user.name == " + quote(any(foreign_users()));
    }
    const std::string dir = anchor_ && !anchor_->files.empty()
                                ? std::string(dir_of(any(anchor_->files)))
                                : std::string(any(foreign_dirs()));
    return fmt::format(
        "file where event.action == \"creation\" and startsWith(file.path, {}) and process.name {}",
        quote(dir),
        refine_ ? "== " + quote(refine_->name)
                : "in " + names_list(3, any(foreign_names()), false));
  }
  std::string file_pattern() {
    std::string q = fmt::format("file where file.path : {}", quote(path_pattern(anchor_)));
    if (!refine_) return q + " and process.name == " + quote(any(foreign_names()));
    switch (roll(3)) {
      case 0:
        return q + " and event.type in (\"creation\", \"change\")";
      case 1:
        return q + " and process.name == " + quote(refine_->name);
      default:
        return q + " and event.action == \"deletion\"";
    }
  }
  std::string network() {
    if (roll(4) == 0) {
      // No literal to prefilter on: evaluated for every network event.
      std::set<int> ports;
      const int own = port(refine_);
      ports.insert(own == 443 || own == 80 ? any(foreign_ports()) : own);
      while (ports.size() < 3) ports.insert(any(foreign_ports()));
      return fmt::format(
          "network where destination.port in ({}) and not cidrMatch(destination.ip, "
          "\"10.0.0.0/8\", \"172.16.0.0/12\", \"192.168.0.0/16\")",
          fmt::join(ports, ", "));
    }
    return fmt::format("network where process.name == {} and destination.port == {}",
                       quote(name(anchor_)), port(refine_));
  }
  std::string regex() {
    switch (roll(4)) {
      case 0:
        return fmt::format(
            "process where event.type == \"start\" and process.name == {} and "
            "process.command_line regex \".*[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+.*\"",
            quote(name(anchor_)));
      case 1:
        return "process where process.command_line regex~ \".*(curl|wget) .*https?://[0-9.]+/.*\"";
      case 2:
        return "file where file.path regex \"/(tmp|dev/shm)/[.][a-z0-9]+([.]sh)?\"";
      default:
        return fmt::format(
            "process where process.name == {} and process.args regex \"-{{1,2}}[a-z]+\" and "
            "process.user.name == {}",
            quote(name(anchor_)), quote(refine_ ? any(host_users()).name : any(foreign_users())));
    }
  }
  std::string sequence() {
    static constexpr std::string_view kSpans[] = {"30s", "1m", "2m", "5m"};
    const std::string_view span = kSpans[roll(std::size(kSpans))];
    const bool three = roll(3) == 0;
    const bool until = roll(2) == 0;
    std::string first = roll(2)
                            ? fmt::format("process.name == {}", quote(name(anchor_)))
                            : fmt::format("process.name in {}", names_list(3, name(anchor_), true));
    std::string q = fmt::format(
        "sequence by process.entity_id with maxspan={}\n  [process where event.type == \"start\" "
        "and {}]",
        span, first);
    const bool has_files = !refine_ || !refine_->files.empty();
    const bool has_peers = !refine_ || !refine_->peers.empty();
    if (three || has_files || !has_peers) {
      q += fmt::format(
          "\n  [file where event.type in (\"creation\", \"change\") and file.path : {}]",
          quote(path_pattern(refine_)));
    }
    if (three || !has_files) {
      q += fmt::format("\n  [network where destination.port == {}]", port(refine_));
    }
    if (until) q += "\n until [process where event.type == \"end\"]";
    return q;
  }

  uint64_t rng_;
  P anchor_ = nullptr;
  P refine_ = nullptr;
};

}  // namespace

std::vector<GeneratedRule> generate_rules(size_t count, uint64_t seed) {
  Generator gen(seed);
  std::vector<GeneratedRule> out;
  std::set<std::string> seen;
  for (size_t k = 0; k < count; ++k) {
    GeneratedRule r = gen.make(k);
    for (int retry = 0; retry < 32 && seen.count(r.query); ++retry) r = gen.make(k);
    seen.insert(r.query);
    out.push_back(std::move(r));
  }
  return out;
}

std::string strip_generic_conjuncts(std::string q) {
  static constexpr std::string_view kGeneric[] = {
      "event.type == \"start\" and ", "event.type in (\"creation\", \"change\") and ",
      "event.action == \"creation\" and ", " and event.type in (\"creation\", \"change\")",
      " and event.action == \"deletion\""};
  for (std::string_view g : kGeneric) {
    for (size_t at; (at = q.find(g)) != std::string::npos;) q.erase(at, g.size());
  }
  return q;
}

std::string rules_yaml(std::span<const GeneratedRule> rules) {
  std::string out;
  for (size_t k = 0; k < rules.size(); ++k) {
    if (k) out += "---\n";
    fmt::format_to(std::back_inserter(out),
                   "id: bench.eql.{:04}\nname: Generated rule {}\nseverity: medium\ntype: eql\n"
                   "query: |\n",
                   k, k);
    std::string_view q = rules[k].query;
    while (!q.empty()) {
      const size_t nl = q.find('\n');
      out += "  ";
      out += q.substr(0, nl);
      out += '\n';
      q = nl == std::string_view::npos ? std::string_view() : q.substr(nl + 1);
    }
  }
  return out;
}

}  // namespace wsn::bench::eql
