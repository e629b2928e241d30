#include "wasm/host_env.h"

#include <cstring>

#include "common/clock.h"
#include "wasm/abi.h"
#include "wsn_abi.h"

namespace wsn::wasm {

HostEnv::HostEnv(const BoundMeta& meta, StateStore& state, LogFn log, uint32_t max_logs_per_call)
    : meta_(meta), state_(state), log_(std::move(log)), max_logs_(max_logs_per_call) {
  alerts_.resize(WSN_MAX_ALERTS_PER_CALL);
}

void HostEnv::begin_call(const Event* event, int64_t now_ns) {
  event_ = event;
  now_ns_ = now_ns;
  alert_count_ = 0;
  logs_this_call_ = 0;
  deadline_hit_ = false;
  error_.clear();
}

void HostEnv::set_deadline(uint32_t budget_ms) {
  deadline_budget_ms_ = budget_ms;
  deadline_ns_ = budget_ms == 0 ? 0 : monotonic_ns() + int64_t{budget_ms} * 1'000'000;
  deadline_hit_ = false;
}

bool HostEnv::check_deadline() {
  if (deadline_ns_ == 0 || monotonic_ns() < deadline_ns_) return true;
  deadline_hit_ = true;
  return fail("budget " + std::to_string(deadline_budget_ms_) + " ms");
}

bool HostEnv::fail(std::string msg) {
  error_ = std::move(msg);
  return false;
}

bool HostEnv::charge(int64_t fuel, const char* fn) {
  // No instance: the call is refused anyway (instantiation) or costs nothing worth metering.
  if (!instance_ || instance_->charge_fuel(fuel)) return true;
  if (deadline_hit_) return fail(std::string("in ") + fn + ", budget " +
                                 std::to_string(deadline_budget_ms_) + " ms");
  return fail(std::string("in ") + fn);
}

bool HostEnv::range(uint32_t ptr, uint32_t len, std::span<uint8_t>& out, const char* what) {
  if (!instance_) return fail("host functions are not available during instantiation");
  std::span<uint8_t> mem = instance_->memory();
  if (uint64_t{ptr} + len > mem.size()) {
    return fail(std::string(what) + " [" + std::to_string(ptr) + ", +" + std::to_string(len) +
                ") is outside linear memory (" + std::to_string(mem.size()) + " bytes)");
  }
  out = mem.subspan(ptr, len);
  return true;
}

bool HostEnv::key(uint32_t ptr, uint32_t len, std::string_view& out, const char* fn) {
  if (len == 0 || len > WSN_MAX_STATE_KEY_BYTES) {
    return fail("state key length " + std::to_string(len) + " is not in 1.." +
                std::to_string(WSN_MAX_STATE_KEY_BYTES));
  }
  if (!charge(kHostFuelCall + kHostFuelState + kHostFuelPerByte * len, fn)) return false;
  std::span<uint8_t> k;
  if (!range(ptr, len, k, "state key")) return false;
  out = std::string_view(reinterpret_cast<const char*>(k.data()), k.size());
  return true;
}

bool HostEnv::emit_alert(uint32_t severity, uint32_t title, uint32_t title_len, uint32_t details,
                         uint32_t details_len) {
  const int32_t sev = static_cast<int32_t>(severity);
  if (sev < WSN_SEV_RULE || sev > WSN_SEV_CRITICAL) {
    return fail("emit_alert: severity " + std::to_string(sev) + " is not in -1..3");
  }
  if (title_len == 0 || title_len > WSN_MAX_TITLE_BYTES) {
    return fail("emit_alert: title length " + std::to_string(title_len) + " is not in 1.." +
                std::to_string(WSN_MAX_TITLE_BYTES));
  }
  if (details_len > WSN_MAX_DETAILS_BYTES) {
    return fail("emit_alert: details longer than " + std::to_string(WSN_MAX_DETAILS_BYTES) +
                " bytes");
  }
  if (!charge(kHostFuelCall + kHostFuelAlert + kHostFuelPerByte * (title_len + details_len),
              "emit_alert")) {
    return false;
  }
  if (alert_count_ >= alerts_.size()) {
    return fail("emit_alert: more than " + std::to_string(WSN_MAX_ALERTS_PER_CALL) +
                " alerts in one call");
  }
  std::span<uint8_t> t, d;
  if (!range(title, title_len, t, "emit_alert title") ||
      !range(details, details_len, d, "emit_alert details")) {
    return false;
  }
  EmittedAlert& a = alerts_[alert_count_++];
  a.has_severity = sev != WSN_SEV_RULE;
  a.severity = static_cast<Severity>(a.has_severity ? sev : 0);
  a.title.assign(reinterpret_cast<const char*>(t.data()), t.size());
  a.details.assign(reinterpret_cast<const char*>(d.data()), d.size());
  return true;
}

bool HostEnv::log(uint32_t level, uint32_t msg, uint32_t msg_len) {
  if (level > WSN_LOG_ERROR) return fail("log: level " + std::to_string(level) + " is not 0..3");
  if (msg_len > WSN_MAX_LOG_BYTES) {
    return fail("log: message longer than " + std::to_string(WSN_MAX_LOG_BYTES) + " bytes");
  }
  if (!charge(kHostFuelCall, "log")) return false;
  std::span<uint8_t> m;
  if (!range(msg, msg_len, m, "log message")) return false;
  if (logs_this_call_++ >= max_logs_) {
    ++dropped_logs_;
    return true;
  }
  if (!charge(kHostFuelLog + kHostFuelPerByte * msg_len, "log")) return false;
  if (log_) {
    log_(static_cast<int>(level),
         std::string_view(reinterpret_cast<const char*>(m.data()), m.size()));
  }
  return true;
}

bool HostEnv::get_field(uint32_t field, uint32_t item, uint32_t buf, uint32_t buf_len,
                        uint32_t& out) {
  out = static_cast<uint32_t>(WSN_FIELD_ABSENT);
  if (!charge(kHostFuelCall, "get_field")) return false;
  std::span<uint8_t> dst;
  if (!range(buf, buf_len, dst, "get_field buffer")) return false;
  const size_t nfields = meta_.fields.size();
  if (!event_ || field >= nfields + meta_.lazy_fields.size()) return true;
  const FieldId id = field < nfields ? meta_.fields[field] : meta_.lazy_fields[field - nfields];
  FieldView v;
  if (!event_->get(id, v)) return true;
  bool paid = true;
  auto copy = [&](const void* p, size_t n) {
    const size_t copied = std::min<size_t>(n, dst.size());
    paid = charge(kHostFuelPerByte * static_cast<int64_t>(copied), "get_field");
    if (!paid) return;
    std::memcpy(dst.data(), p, copied);
    out = static_cast<uint32_t>(std::min<size_t>(n, 0x7fffffff));
  };
  switch (v.type) {
    case FieldType::kString:
      copy(v.s.data(), v.s.size());
      break;
    case FieldType::kStringList:
      if (item < v.list_count) {
        const std::string_view s = event_->list_item(v, item);
        copy(s.data(), s.size());
      }
      break;
    case FieldType::kIp:
      if (v.ip) copy(v.ip->bytes.data(), 16);
      break;
    case FieldType::kUInt:
      if (dst.size() >= 8) std::memcpy(dst.data(), &v.u, 8);
      out = 8;
      break;
    case FieldType::kInt:
    case FieldType::kBool:
    case FieldType::kTimestamp:
      if (dst.size() >= 8) std::memcpy(dst.data(), &v.i, 8);
      out = 8;
      break;
  }
  return paid;
}

bool HostEnv::state_get(uint32_t k, uint32_t len, uint64_t& out) {
  std::string_view key_view;
  if (!key(k, len, key_view, "state_get")) return false;
  out = static_cast<uint64_t>(state_.get(key_view, now_ns_));
  return true;
}

bool HostEnv::state_set(uint32_t k, uint32_t len, uint64_t value, uint64_t ttl) {
  std::string_view key_view;
  if (!key(k, len, key_view, "state_set")) return false;
  state_.set(key_view, static_cast<int64_t>(value), static_cast<int64_t>(ttl), now_ns_);
  return true;
}

bool HostEnv::state_add(uint32_t k, uint32_t len, uint64_t delta, uint64_t ttl, uint64_t& out) {
  std::string_view key_view;
  if (!key(k, len, key_view, "state_add")) return false;
  out = static_cast<uint64_t>(
      state_.add(key_view, static_cast<int64_t>(delta), static_cast<int64_t>(ttl), now_ns_));
  return true;
}

bool HostEnv::state_del(uint32_t k, uint32_t len, uint32_t& out) {
  std::string_view key_view;
  if (!key(k, len, key_view, "state_del")) return false;
  out = state_.erase(key_view) ? 1 : 0;
  return true;
}

bool HostEnv::event_time(uint64_t& out) {
  if (!charge(kHostFuelCall, "event_time")) return false;
  out = static_cast<uint64_t>(now_ns_);
  return true;
}

}  // namespace wsn::wasm
