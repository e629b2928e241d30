// `net`: the XDP network edge (docs/network.md).
//   net attach --iface IF [--mode native|skb] [--default pass|drop] [--malformed pass|drop]
//   net detach --iface IF            net unload (after detaching everywhere)
//   net rule add [--id ID] [--src CIDR] [--dst CIDR] [--sport P[-Q]] [--dport P[-Q]]
//                [--proto P] --action pass|drop|inspect [--priority N]      (prints the id)
//   net rule list [--json]   net rule delete --id ID   net rule clear
//   net status [--json]
//   net inspect --src IP --dst IP [--sport P] [--dport P] --proto P [--payload HEX|@FILE]
// Every command works on the filter pinned under --pin-dir, so a running agent and the CLI
// see the same rules and counters.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "collect/xdp/packet_event.h"
#include "event/json_writer.h"
#include "net/packet_builder.h"
#include "net/rule_table.h"
#include "net/xdp_filter.h"

namespace wsn::cli {
namespace {

using net::Action;
using net::XdpFilter;

struct NetOptions {
  std::string pin_dir = net::kDefaultPinDir;
  std::string iface;
  std::string mode = "skb";
  std::string default_action;
  std::string malformed_action;
  bool json = false;
  // rule add / delete
  uint32_t id = 0;
  uint32_t priority = 1000;
  std::string src, dst, sport, dport, proto = "any", action;
  // inspect
  std::string payload;
  std::vector<std::string> rules;  // inspectors (any rule files) to run on an `inspect` verdict
  bool print_event = false;
};

int fail(const std::string& message, int code = kExitRuntimeError) {
  fmt::print(stderr, "wasm-sentinel: error: {}\n", message);
  return code;
}

// Usage mistakes (bad CIDR, port, combination) exit 2; system failures exit 1.
int fail(const Error& e) {
  return fail(e.message, e.code() == ErrorCode::kInvalid ? kExitUsage : kExitRuntimeError);
}

Result<XdpFilter> open_filter(const NetOptions& o, bool create) {
  return XdpFilter::open(o.pin_dir, create);
}

Result<Action> pass_or_drop(const std::string& text, const char* option) {
  auto a = net::parse_action(text);
  if (!a.ok() || a.value() == Action::kInspect)
    return Error{std::string(option) + " must be pass or drop, not '" + text + "'", 0,
                 ErrorCode::kInvalid};
  return a;
}

int net_attach(const NetOptions& o) {
  if (o.mode != "native" && o.mode != "skb")
    return fail("--mode must be native or skb, not '" + o.mode + "'", kExitUsage);
  auto filter = open_filter(o, /*create=*/true);
  if (!filter.ok()) return fail(filter.error());
  if (!o.default_action.empty() || !o.malformed_action.empty()) {
    auto s = filter->settings();
    if (!s.ok()) return fail(s.error());
    if (!o.default_action.empty()) {
      auto a = pass_or_drop(o.default_action, "--default");
      if (!a.ok()) return fail(a.error());
      s->default_action = a.value();
    }
    if (!o.malformed_action.empty()) {
      auto a = pass_or_drop(o.malformed_action, "--malformed");
      if (!a.ok()) return fail(a.error());
      s->malformed_action = a.value();
    }
    if (auto st = filter->set_settings(s.value()); !st.ok()) return fail(st.error());
  }
  if (o.iface.empty()) return kExitOk;  // settings only
  auto mode = o.mode == "native" ? net::AttachMode::kNative : net::AttachMode::kSkb;
  if (auto st = filter->attach(o.iface, mode); !st.ok()) return fail(st.error());
  fmt::print("attached to {} ({} mode), program id {}\n", o.iface, o.mode, filter->program_id());
  return kExitOk;
}

int net_detach(const NetOptions& o) {
  auto filter = open_filter(o, false);
  if (!filter.ok()) return fail(filter.error());
  if (auto st = filter->detach(o.iface); !st.ok()) return fail(st.error());
  fmt::print("detached from {}\n", o.iface);
  return kExitOk;
}

int net_unload(const NetOptions& o) {
  auto filter = open_filter(o, false);
  if (!filter.ok()) return fail(filter.error());
  auto attached = filter->attachments();
  if (!attached.ok()) return fail(attached.error());
  if (!attached->empty()) {
    return fail("the filter is still attached to " + attached->front().iface +
                "; `net detach --iface " + attached->front().iface + "` first");
  }
  if (auto st = XdpFilter::remove(o.pin_dir); !st.ok()) return fail(st.error());
  fmt::print("unloaded the filter pinned at {}\n", o.pin_dir);
  return kExitOk;
}

Result<net::NetRule> rule_from(const NetOptions& o) {
  net::NetRule r;
  r.id = o.id;
  r.priority = o.priority;
  if (!o.src.empty()) {
    auto c = net::parse_cidr(o.src);
    if (!c.ok()) return Error{"--src: " + c.error().message, 0, ErrorCode::kInvalid};
    r.src = c.value();
  }
  if (!o.dst.empty()) {
    auto c = net::parse_cidr(o.dst);
    if (!c.ok()) return Error{"--dst: " + c.error().message, 0, ErrorCode::kInvalid};
    r.dst = c.value();
  }
  if (!o.sport.empty()) {
    auto p = net::parse_port_range(o.sport);
    if (!p.ok()) return Error{"--sport: " + p.error().message, 0, ErrorCode::kInvalid};
    r.sport = p.value();
  }
  if (!o.dport.empty()) {
    auto p = net::parse_port_range(o.dport);
    if (!p.ok()) return Error{"--dport: " + p.error().message, 0, ErrorCode::kInvalid};
    r.dport = p.value();
  }
  auto proto = net::parse_protocol(o.proto);
  if (!proto.ok()) return Error{"--proto: " + proto.error().message, 0, ErrorCode::kInvalid};
  r.proto = proto.value();
  auto action = net::parse_action(o.action);
  if (!action.ok()) return Error{"--action: " + action.error().message, 0, ErrorCode::kInvalid};
  r.action = action.value();
  if (auto st = net::validate_rule(r); !st.ok()) return st.error();
  return r;
}

int net_rule_add(const NetOptions& o) {
  auto rule = rule_from(o);
  if (!rule.ok()) return fail(rule.error());
  auto filter = open_filter(o, /*create=*/true);
  if (!filter.ok()) return fail(filter.error());
  net::RuleTable table(filter.value());
  auto id = table.add(rule.value());
  if (!id.ok()) return fail(id.error());
  fmt::print("{}\n", id.value());
  return kExitOk;
}

void append_rule_json(const net::StoredRule& s, const net::RuleCounter& c, std::string& out) {
  const net::NetRule& r = s.rule;
  out += fmt::format("{{\"id\":{},\"priority\":{},\"action\":\"{}\",\"proto\":\"{}\"", r.id,
                     r.priority, net::action_name(r.action), net::protocol_name(r.proto));
  if (r.src) out += ",\"src\":\"" + r.src->to_string() + "\"";
  if (r.dst) out += ",\"dst\":\"" + r.dst->to_string() + "\"";
  if (!r.sport.any()) out += ",\"sport\":\"" + r.sport.to_string() + "\"";
  if (!r.dport.any()) out += ",\"dport\":\"" + r.dport.to_string() + "\"";
  out += fmt::format(",\"packets\":{},\"bytes\":{}}}", c.packets, c.bytes);
}

std::string rule_columns(const net::StoredRule& s, const net::RuleCounter& c) {
  const net::NetRule& r = s.rule;
  return fmt::format("{:>6} {:>8} {:<7} {:<6} {:<20} {:<20} {:<11} {:<11} {:>10} {:>12}", r.id,
                     r.priority, net::action_name(r.action), net::protocol_name(r.proto),
                     r.src ? r.src->to_string() : "any", r.dst ? r.dst->to_string() : "any",
                     r.sport.any() ? "any" : r.sport.to_string(),
                     r.dport.any() ? "any" : r.dport.to_string(), c.packets, c.bytes);
}
constexpr const char* kRuleHeader =
    "    ID PRIORITY ACTION  PROTO  SOURCE               DESTINATION          SPORT       "
    "DPORT          PACKETS        BYTES";

int net_rule_list(const NetOptions& o) {
  auto filter = open_filter(o, false);
  if (!filter.ok()) return fail(filter.error());
  auto rules = filter->stored_rules();
  if (!rules.ok()) return fail(rules.error());
  std::string out = o.json ? "[" : std::string(kRuleHeader) + "\n";
  bool first = true;
  for (const net::StoredRule& s : rules.value()) {
    auto c = filter->rule_counter(s.slot);
    if (!c.ok()) return fail(c.error());
    if (o.json) {
      if (!first) out += ",";
      append_rule_json(s, c.value(), out);
    } else {
      out += rule_columns(s, c.value()) + "\n";
    }
    first = false;
  }
  if (o.json) out += "]\n";
  fmt::print("{}", out);
  return kExitOk;
}

int net_rule_delete(const NetOptions& o) {
  auto filter = open_filter(o, false);
  if (!filter.ok()) return fail(filter.error());
  net::RuleTable table(filter.value());
  if (auto st = table.remove(o.id); !st.ok()) return fail(st.error());
  fmt::print("deleted rule {}\n", o.id);
  return kExitOk;
}

int net_rule_clear(const NetOptions& o) {
  auto filter = open_filter(o, false);
  if (!filter.ok()) return fail(filter.error());
  net::RuleTable table(filter.value());
  if (auto st = table.clear(); !st.ok()) return fail(st.error());
  fmt::print("cleared every rule\n");
  return kExitOk;
}

int net_status(const NetOptions& o) {
  auto filter = open_filter(o, false);
  if (!filter.ok()) return fail(filter.error());
  auto attached = filter->attachments();
  auto settings = filter->settings();
  auto stats = filter->stats();
  auto rules = filter->stored_rules();
  if (!attached.ok()) return fail(attached.error());
  if (!settings.ok()) return fail(settings.error());
  if (!stats.ok()) return fail(stats.error());
  if (!rules.ok()) return fail(rules.error());
  const net::FilterStats& s = stats.value();
  std::string out;
  if (o.json) {
    out = fmt::format("{{\"pin_dir\":");
    append_json_string(o.pin_dir, out);
    out += fmt::format(",\"program_id\":{},\"interfaces\":[", filter->program_id());
    for (size_t i = 0; i < attached->size(); ++i) {
      const net::Attachment& a = (*attached)[i];
      out += fmt::format("{}{{\"iface\":", i ? "," : "");
      append_json_string(a.iface, out);
      out +=
          fmt::format(",\"mode\":\"{}\"}}", a.mode == net::AttachMode::kNative ? "native" : "skb");
    }
    out += fmt::format(
        "],\"default_action\":\"{}\",\"malformed_action\":\"{}\",\"inspect_packets\":{},"
        "\"inspect_bytes\":{},\"stats\":{{\"packets\":{},\"passed\":{},\"dropped\":{},"
        "\"default\":{},\"malformed\":{},\"not_ip\":{},\"fragments\":{},\"blocked\":{},"
        "\"inspected\":{},\"inspect_copied\":{},\"inspect_ringbuf_full\":{}}},\"rules\":[",
        net::action_name(settings->default_action), net::action_name(settings->malformed_action),
        settings->inspect_packets, settings->inspect_bytes, s.packets, s.passed, s.dropped,
        s.defaulted, s.malformed, s.not_ip, s.fragments, s.blocked, s.inspected, s.inspect_copied,
        s.inspect_ringbuf_full);
  } else {
    out = fmt::format("filter: program id {}, pinned at {}\n", filter->program_id(), o.pin_dir);
    out += "interfaces:";
    if (attached->empty()) out += " none (net attach --iface IF)";
    for (const net::Attachment& a : attached.value())
      out +=
          fmt::format(" {} ({})", a.iface, a.mode == net::AttachMode::kNative ? "native" : "skb");
    out += fmt::format(
        "\ndefault action: {}; malformed frames: {}; inspect: first {} packets, "
        "{} bytes each\n",
        net::action_name(settings->default_action), net::action_name(settings->malformed_action),
        settings->inspect_packets, settings->inspect_bytes);
    out += fmt::format(
        "packets {} passed {} dropped {} (by default action {}, blocked {}) malformed {} "
        "not-ip {} fragments {} inspected {} (copied {}, ring full {})\n",
        s.packets, s.passed, s.dropped, s.defaulted, s.blocked, s.malformed, s.not_ip, s.fragments,
        s.inspected, s.inspect_copied, s.inspect_ringbuf_full);
    out += fmt::format("rules: {}\n", rules->size());
    if (!rules->empty()) out += std::string(kRuleHeader) + "\n";
  }
  bool first = true;
  for (const net::StoredRule& r : rules.value()) {
    auto c = filter->rule_counter(r.slot);
    if (!c.ok()) return fail(c.error());
    if (o.json) {
      if (!first) out += ",";
      append_rule_json(r, c.value(), out);
    } else {
      out += rule_columns(r, c.value()) + "\n";
    }
    first = false;
  }
  if (o.json) out += "]}\n";
  fmt::print("{}", out);
  return kExitOk;
}

Result<std::vector<uint8_t>> payload_bytes(const std::string& text) {
  if (text.empty()) return std::vector<uint8_t>{};
  if (text[0] == '@') {
    std::ifstream in(text.substr(1), std::ios::binary);
    if (!in) return Error{"--payload: cannot read " + text.substr(1), errno, ErrorCode::kNotFound};
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
  }
  if (text.size() % 2)
    return Error{"--payload: an even number of hex digits, or @FILE", 0, ErrorCode::kInvalid};
  std::vector<uint8_t> out;
  for (size_t i = 0; i < text.size(); i += 2) {
    unsigned v = 0;
    if (std::sscanf(text.substr(i, 2).c_str(), "%2x", &v) != 1 || !std::isxdigit(text[i]) ||
        !std::isxdigit(text[i + 1]))
      return Error{"--payload: '" + text.substr(i, 2) + "' is not hex", 0, ErrorCode::kInvalid};
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

// The packet as the xdp source would put it on the bus (src/collect/xdp/packet_event.h).
std::string packet_event_json(const net::PacketSpec& spec, const std::vector<uint8_t>& frame) {
  net::InspectedPacket p;
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  p.mono_ns =
      static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
  p.wire_len = static_cast<uint32_t>(frame.size());
  p.family = spec.family;
  p.proto = spec.proto;
  p.sport = spec.sport;
  p.dport = spec.dport;
  p.src = spec.src;
  p.dst = spec.dst;
  p.flow_packet = 1;
  p.tcp_flags = spec.proto == 6 ? spec.tcp_flags : 0;
  p.frame = frame;
  p.payload = std::span<const uint8_t>(frame).subspan(frame.size() - spec.payload.size());
  FieldRegistry reg;
  xdp::PacketEventBuilder builder(reg);
  Event e;
  timespec rt{};
  clock_gettime(CLOCK_REALTIME, &rt);
  const int64_t offset =
      (static_cast<int64_t>(rt.tv_sec) - ts.tv_sec) * 1'000'000'000 + (rt.tv_nsec - ts.tv_nsec);
  builder.build(p, offset, e);
  std::string line;
  write_event_json(e, reg, line);
  return line + "\n";
}

// Runs the rules (Wasm inspectors or any rule files) over the packet's event with this same
// binary's `replay`, so the verdict comes from the real detection path. Returns the alerts.
Result<std::string> run_inspectors(const std::vector<std::string>& rules,
                                   const std::string& event) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return Error{"pipe failed", errno};
  pid_t pid = fork();
  if (pid < 0) return Error{"fork failed", errno};
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    std::vector<std::string> args = {"wasm-sentinel", "replay"};
    for (const std::string& r : rules) args.insert(args.end(), {"-r", r});
    args.push_back("-");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  (void)!write(in[1], event.data(), event.size());
  close(in[1]);
  std::string alerts;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;)
    alerts.append(buf, static_cast<size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Error{"the inspectors could not run (replay exited " +
                 std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "; see above)"};
  return alerts;
}

int net_inspect(const NetOptions& o) {
  auto src = net::parse_address(o.src);
  if (!src.ok()) return fail("--src: " + src.error().message, kExitUsage);
  auto dst = net::parse_address(o.dst);
  if (!dst.ok()) return fail("--dst: " + dst.error().message, kExitUsage);
  if (src->family != dst->family)
    return fail("--src and --dst are of different families", kExitUsage);
  auto proto = net::parse_protocol(o.proto);
  if (!proto.ok() || proto.value() == net::Protocol::kAny)
    return fail("--proto must be tcp, udp, icmp or icmpv6", kExitUsage);
  net::PacketSpec spec;
  spec.family = src->family;
  spec.src = src->addr;
  spec.dst = dst->addr;
  spec.proto = static_cast<uint8_t>(proto.value());
  for (auto [text, port] : {std::pair{&o.sport, &spec.sport}, std::pair{&o.dport, &spec.dport}}) {
    if (text->empty()) continue;
    auto r = net::parse_port_range(*text);
    if (!r.ok() || r->lo != r->hi) return fail("a port, not a range: '" + *text + "'", kExitUsage);
    *port = r->lo;
  }
  auto payload = payload_bytes(o.payload);
  if (!payload.ok()) return fail(payload.error());
  spec.payload = std::move(payload.value());
  auto filter = open_filter(o, false);
  if (!filter.ok()) return fail(filter.error());
  const std::vector<uint8_t> frame = net::build_frame(spec);
  auto v = filter->test_run(frame);
  if (!v.ok()) return fail(v.error());
  const std::string event = packet_event_json(spec, frame);
  if (o.print_event) fmt::print("{}", event);
  std::string verdict = v->xdp_action == 1 ? "drop" : v->xdp_action == 2 ? "pass" : "other";
  std::string by;
  switch (v->by) {
    case net::TestVerdict::By::kDefault:
      by = "the default action";
      break;
    case net::TestVerdict::By::kBlock:
      by = "a timed block";
      break;
    case net::TestVerdict::By::kMalformed:
      by = "the malformed-frame policy";
      break;
    case net::TestVerdict::By::kNotIp:
      by = "not IP";
      break;
    case net::TestVerdict::By::kRule: {
      auto rules = filter->stored_rules();
      if (!rules.ok()) return fail(rules.error());
      by = "slot " + std::to_string(v->slot);
      for (const net::StoredRule& s : rules.value())
        if (s.slot == v->slot)
          by = "rule " + std::to_string(s.rule.id) + " (" + s.rule.to_string() + ")";
      break;
    }
  }
  if (o.json) {
    std::string out = "{\"verdict\":\"" + verdict + "\",\"action\":\"" +
                      std::string(net::action_name(v->action)) + "\",\"decided_by\":";
    append_json_string(by, out);
    fmt::print("{}}}\n", out);
  } else {
    fmt::print("verdict: {} (action {}), decided by {}\n", verdict, net::action_name(v->action),
               by);
  }
  if (v->action == Action::kInspect && !o.rules.empty()) {
    auto alerts = run_inspectors(o.rules, event);
    if (!alerts.ok()) return fail(alerts.error());
    size_t n = static_cast<size_t>(std::count(alerts->begin(), alerts->end(), '\n'));
    if (!o.json) fmt::print("inspectors: {} alert(s){}\n", n, n ? ":" : "");
    fmt::print("{}", alerts.value());
  }
  return kExitOk;
}

}  // namespace

void register_net(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<NetOptions>();
  CLI::App* net = app.add_subcommand(
      "net",
      "The XDP network edge: attach the packet filter to interfaces, manage its CIDR / port / "
      "protocol rules (pass, drop, inspect), read its counters and try a packet against it. "
      "Needs root. The filter and its rules are pinned under --pin-dir, so they outlive this "
      "command and a running agent sees them (docs/network.md).");
  net->require_subcommand(1);
  auto pin = [o](CLI::App* c) {
    c->add_option("--pin-dir", o->pin_dir, "bpffs directory holding the filter")
        ->capture_default_str();
  };
  auto json = [o](CLI::App* c) { c->add_flag("--json", o->json, "JSON output"); };
  auto run = [&exit_code, o](CLI::App* c, int (*fn)(const NetOptions&)) {
    c->callback([&exit_code, o, fn] { exit_code = fn(*o); });
  };

  CLI::App* attach =
      net->add_subcommand("attach", "Load the filter (once) and attach it to an interface");
  attach->add_option("--iface", o->iface, "network interface");
  attach->add_option("--mode", o->mode, "native (driver) or skb (generic)")->capture_default_str();
  attach->add_option("--default", o->default_action, "action when no rule matches: pass or drop");
  attach->add_option("--malformed", o->malformed_action,
                     "frames that cannot be parsed: pass or drop");
  pin(attach);
  run(attach, net_attach);

  CLI::App* detach = net->add_subcommand("detach", "Detach the filter from an interface");
  detach->add_option("--iface", o->iface, "network interface")->required();
  pin(detach);
  run(detach, net_detach);

  CLI::App* unload =
      net->add_subcommand("unload", "Remove the pinned filter and its rules (detach first)");
  pin(unload);
  run(unload, net_unload);

  CLI::App* rule = net->add_subcommand("rule", "Manage the filter's rules");
  rule->require_subcommand(1);
  CLI::App* add = rule->add_subcommand("add", "Add a rule and print its id");
  add->add_option("--id", o->id, "rule id (default: the next free one)");
  add->add_option("--src", o->src, "source CIDR or address (IPv4 or IPv6)");
  add->add_option("--dst", o->dst, "destination CIDR or address");
  add->add_option("--sport", o->sport, "source port or range P-Q (tcp/udp)");
  add->add_option("--dport", o->dport, "destination port or range P-Q (tcp/udp)");
  add->add_option("--proto", o->proto, "tcp, udp, icmp, icmpv6 or any")->capture_default_str();
  add->add_option("--action", o->action, "pass, drop or inspect")->required();
  add->add_option("--priority", o->priority, "lower wins; ties go to the lower id")
      ->capture_default_str();
  pin(add);
  run(add, net_rule_add);

  CLI::App* list = rule->add_subcommand("list", "List the rules with their counters");
  json(list);
  pin(list);
  run(list, net_rule_list);

  CLI::App* del = rule->add_subcommand("delete", "Delete a rule");
  del->add_option("--id", o->id, "rule id")->required();
  pin(del);
  run(del, net_rule_delete);

  CLI::App* clear = rule->add_subcommand("clear", "Delete every rule");
  pin(clear);
  run(clear, net_rule_clear);

  CLI::App* status = net->add_subcommand("status", "Interfaces, settings, counters and rules");
  json(status);
  pin(status);
  run(status, net_status);

  CLI::App* inspect = net->add_subcommand(
      "inspect",
      "Run one synthetic packet through the loaded filter (BPF_PROG_TEST_RUN) and "
      "print the verdict and what decided it");
  inspect->add_option("--src", o->src, "source address")->required();
  inspect->add_option("--dst", o->dst, "destination address")->required();
  inspect->add_option("--sport", o->sport, "source port");
  inspect->add_option("--dport", o->dport, "destination port");
  inspect->add_option("--proto", o->proto, "tcp, udp, icmp or icmpv6")->required();
  inspect->add_option("--payload", o->payload, "payload as hex, or @FILE");
  inspect->add_option("-r,--rules", o->rules,
                      "inspectors (Wasm rules, or any rule files) to run when the verdict is "
                      "inspect; their alerts are printed");
  inspect->add_flag("--event", o->print_event,
                    "also print the packet's event as the xdp source would put it on the bus");
  json(inspect);
  pin(inspect);
  run(inspect, net_inspect);
}

}  // namespace wsn::cli
