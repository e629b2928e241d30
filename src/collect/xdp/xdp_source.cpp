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
         std::find(w.actions.begin(), w.actions.end(), "packet_inspected") != w.actions.end();
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

}  // namespace wsn::xdp
