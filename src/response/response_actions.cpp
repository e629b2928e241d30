#include "response/response_actions.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "event/json_writer.h"
#include "event/timestamp.h"

namespace wsn::response {
namespace {

std::string_view string_field(const Event& e, FieldId id) {
  FieldView v;
  return e.get(id, v) && v.type == FieldType::kString ? v.s : std::string_view();
}

int64_t int_field(const Event& e, FieldId id) {
  FieldView v;
  if (!e.get(id, v)) return 0;
  if (v.type == FieldType::kInt || v.type == FieldType::kTimestamp) return v.i;
  if (v.type == FieldType::kUInt) return static_cast<int64_t>(v.u);
  return 0;
}

}  // namespace

Result<std::unique_ptr<ResponseActions>> ResponseActions::open(ResponseOptions options,
                                                               metrics::Registry* metrics) {
  std::unique_ptr<ResponseActions> r(new ResponseActions(std::move(options)));
  if (metrics) {
    r->counter_ =
        &metrics->counter("wsn_response_actions_total",
                          "Response action attempts, by action and result.", {"action", "result"});
    for (auto res : {KillResult::kKilled, KillResult::kDryRun, KillResult::kRefused,
                     KillResult::kGone, KillResult::kFailed}) {
      r->counter_->with({"kill", std::string(kill_result_name(res))});
    }
  }
  return r;
}

bool ResponseActions::open_audit() {
  if (audit_) return true;
  const std::string& path = options_.audit_log;
  if (path.empty() || path == "-") {
    audit_ = stderr;
    return true;
  }
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) audit_ = ::fdopen(fd, "a");
  if (!audit_) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    std::fprintf(stderr, "wasm-sentinel: open audit log %s: %s; audit records go here\n",
                 path.c_str(), std::strerror(err));
    audit_ = stderr;
    return false;
  }
  owned_ = true;
  return true;
}

ResponseActions::~ResponseActions() {
  if (owned_) std::fclose(audit_);
}

void ResponseActions::on_detection(const RuleMeta& rule, std::span<const Event* const> events) {
  if (events.empty()) return;
  for (const auto& action : rule.actions) {
    if (action != "kill") continue;  // the rule loader accepts no other action today
    const Event& e = *events.back();
    KillTarget t;
    t.pid = int_field(e, fields::kProcessPid);
    t.name = std::string(string_field(e, fields::kProcessName));
    t.start_ns = int_field(e, fields::kProcessStart);
    const KillOutcome o = kill_process(t, options_.dry_run);
    counts_[static_cast<size_t>(o.result)].fetch_add(1, std::memory_order_relaxed);
    if (counter_) counter_->with({"kill", std::string(kill_result_name(o.result))}).inc();
    audit(rule, e, t, o);
  }
}

void ResponseActions::audit(const RuleMeta& rule, const Event& e, const KillTarget& t,
                            const KillOutcome& o) {
  line_.clear();
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  line_ += "{\"@timestamp\":\"";
  format_rfc3339(now, line_);
  line_ += "\",\"action\":\"kill\",\"result\":\"";
  line_ += kill_result_name(o.result);
  line_ += "\",\"dry_run\":";
  line_ += options_.dry_run ? "true" : "false";
  line_ += ",\"rule\":{\"id\":";
  append_json_string(rule.id, line_);
  line_ += ",\"name\":";
  append_json_string(rule.name, line_);
  line_ += "},\"target\":{\"pid\":";
  line_ += std::to_string(t.pid);
  line_ += ",\"name\":";
  append_json_string(t.name, line_);
  if (auto entity = string_field(e, fields::kProcessEntityId); !entity.empty()) {
    line_ += ",\"entity_id\":";
    append_json_string(entity, line_);
  }
  if (auto host = string_field(e, fields::kHostName); !host.empty()) {
    line_ += ",\"host\":";
    append_json_string(host, line_);
  }
  line_ += "},\"event_time\":\"";
  format_rfc3339(e.time_ns(), line_);
  line_ += "\",\"detail\":";
  append_json_string(o.detail, line_);
  line_ += "}\n";
  open_audit();
  std::fwrite(line_.data(), 1, line_.size(), audit_);
  std::fflush(audit_);  // actions are rare and each record matters
}

ResponseCounts ResponseActions::counts() const {
  ResponseCounts c;
  c.killed = counts_[0].load();
  c.dry_run = counts_[1].load();
  c.refused = counts_[2].load();
  c.gone = counts_[3].load();
  c.failed = counts_[4].load();
  return c;
}

}  // namespace wsn::response
