#include "collect/xdp/xdp_source.h"

#include <time.h>

#include <algorithm>
#include <chrono>

#include "collect/xdp/packet_event.h"
#include "net/blocks.h"
#include "net/inspect_reader.h"
#include "wsn/event.h"

namespace wsn::xdp {
namespace {

int64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

XdpSource::XdpSource(XdpSourceOptions o, FieldRegistry& registry,
                     std::function<void(const std::string&)> report)
    : o_(std::move(o)), registry_(registry), report_(std::move(report)) {}

XdpSource::~XdpSource() = default;

Status XdpSource::prepare(const EventInterest&) {
  auto f = net::XdpFilter::open(o_.pin_dir, /*create=*/true);
  if (!f.ok())
    return Error{"sources.xdp: " + f.error().message, f.error().sys_errno, f.error().kind};
  filter_.emplace(std::move(f.value()));
  if (o_.settings) {
    if (auto st = filter_->set_settings(*o_.settings); !st.ok())
      return Error{"sources.xdp: " + st.error().message, st.error().sys_errno};
  }
  if (!o_.rules.empty()) {
    net::RuleTable table(*filter_);
    if (auto st = table.upsert(o_.rules); !st.ok())
      return Error{"sources.xdp.rules: " + st.error().message, st.error().sys_errno,
                   st.error().kind};
  }
  for (const auto& [iface, mode] : o_.interfaces) {
    if (auto st = filter_->attach(iface, mode); !st.ok())
      return Error{"sources.xdp.interfaces: " + st.error().message, st.error().sys_errno,
                   st.error().kind};
  }
  return {};
}

bool XdpSource::may_emit(const EventInterest::Want& w) const {
  if (!w.category.empty() && w.category != "network") return false;
  return w.actions.empty() ||
         std::find(w.actions.begin(), w.actions.end(), "packet_inspected") != w.actions.end() ||
         std::find(w.actions.begin(), w.actions.end(), "packet_dropped") != w.actions.end();
}

std::vector<std::string> XdpSource::describe() const {
  std::vector<std::string> out;
  if (!filter_) return out;
  std::string line = "XDP filter (program " + std::to_string(filter_->program_id()) +
                     ", pinned at " + o_.pin_dir + ") on";
  auto attached = filter_->attachments();
  if (!attached.ok() || attached->empty())
    line += " no interface yet (`net attach --iface IF`)";
  else
    for (const net::Attachment& a : attached.value())
      line += " " + a.iface + (a.mode == net::AttachMode::kNative ? " (native)" : " (skb)");
  auto rules = filter_->stored_rules();
  if (rules.ok()) line += "; " + std::to_string(rules->size()) + " rule(s)";
  out.push_back(line + "; packets of `inspect` rules become network events");
  return out;
}

Status XdpSource::run(EventWriter& out) {
  if (!filter_) return Error{"sources.xdp: prepare() did not run"};
  auto reader = net::InspectReader::open(*filter_);
  if (!reader.ok()) return reader.error();
  PacketEventBuilder builder(registry_);
  const int64_t offset = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
  auto next_expiry = std::chrono::steady_clock::now();
  const std::function<void(const net::InspectedPacket&)> on_packet =
      [&](const net::InspectedPacket& p) {
        builder.build(p, offset, out.next());
        out.commit();
        events_.fetch_add(1, std::memory_order_relaxed);
      };
  while (!stop_.load()) {
    auto n = reader->poll(200, on_packet);
    if (!n.ok()) return n.error();
    if (n.value() > 0) out.flush();
    if (std::chrono::steady_clock::now() >= next_expiry) {
      (void)net::expire_blocks(*filter_);
      if (auto s = filter_->stats(); s.ok()) lost_.store(s->inspect_ringbuf_full);
      next_expiry = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
  }
  return {};
}

SourceStats XdpSource::stats() const {
  SourceStats s;
  s.events = events_.load(std::memory_order_relaxed);
  s.lost = lost_.load(std::memory_order_relaxed);
  return s;
}

void XdpSource::metrics(std::vector<SourceMetric>& out) const {
  if (!filter_) return;  // reads only: safe beside run() on the same pinned maps
  auto s = filter_->stats();
  if (!s.ok()) return;
  const char* packets = "wsn_xdp_packets_total";
  const char* packets_help = "Packets the XDP filter saw, by what decided them.";
  auto count = [&](const char* name, const char* help, const char* key, const char* value,
                   uint64_t v) {
    SourceMetric m{name, help, true, {}, static_cast<double>(v)};
    if (key) m.labels.emplace_back(key, value);
    out.push_back(std::move(m));
  };
  count(packets, packets_help, "verdict", "passed", s->passed);
  count(packets, packets_help, "verdict", "dropped", s->dropped);
  count("wsn_xdp_default_action_packets_total", "Packets no rule matched (default action).",
        nullptr, nullptr, s->defaulted);
  count("wsn_xdp_blocked_packets_total", "Packets dropped by a timed block.", nullptr, nullptr,
        s->blocked);
  const char* frames = "wsn_xdp_unusual_frames_total";
  const char* frames_help = "Frames the filter could not classify fully, by kind.";
  count(frames, frames_help, "kind", "malformed", s->malformed);
  count(frames, frames_help, "kind", "not_ip", s->not_ip);
  count(frames, frames_help, "kind", "fragment", s->fragments);
  count("wsn_xdp_inspected_packets_total", "Packets of `inspect` rules.", nullptr, nullptr,
        s->inspected);
  count("wsn_xdp_inspect_copied_total", "Inspected packets copied to the agent.", nullptr, nullptr,
        s->inspect_copied);
  count("wsn_xdp_inspect_lost_total", "Inspected packets not copied: ring buffer full.", nullptr,
        nullptr, s->inspect_ringbuf_full);
  auto rules = filter_->stored_rules();
  if (!rules.ok()) return;
  out.push_back({"wsn_xdp_rules", "Rules in the XDP filter.", false, {}, double(rules->size())});
  if (auto blocks = net::list_blocks(*filter_); blocks.ok())
    out.push_back({"wsn_xdp_blocks", "Timed blocks installed.", false, {}, double(blocks->size())});
  // Per-rule series for the first rules only: a 60,000-rule blocklist would swamp /metrics.
  constexpr size_t kRuleSeries = 256;
  for (size_t i = 0; i < rules->size() && i < kRuleSeries; ++i) {
    const net::StoredRule& r = (*rules)[i];
    auto c = filter_->rule_counter(r.slot);
    if (!c.ok()) continue;
    const std::string id = std::to_string(r.rule.id);
    out.push_back({"wsn_xdp_rule_packets_total",
                   "Packets each XDP rule decided.",
                   true,
                   {{"rule", id}},
                   static_cast<double>(c->packets)});
    out.push_back({"wsn_xdp_rule_bytes_total",
                   "Bytes of the packets each XDP rule decided.",
                   true,
                   {{"rule", id}},
                   static_cast<double>(c->bytes)});
  }
}

}  // namespace wsn::xdp
