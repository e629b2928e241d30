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

Result<std::unique_ptr<ResponseActions>> ResponseActions::open(
    ResponseOptions options, std::vector<std::unique_ptr<ResponseAction>> actions,
    metrics::Registry* metrics) {
  std::unique_ptr<ResponseActions> r(new ResponseActions(std::move(options)));
  r->actions_ = std::move(actions);
  if (metrics) {
    r->counter_ =
        &metrics->counter("wsn_response_actions_total",
                          "Response action attempts, by action and result.", {"action", "result"});
    for (const auto& a : r->actions_) {
      for (const auto& res : a->results()) r->counter_->with({std::string(a->name()), res});
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
  for (const auto& name : rule.actions) {
    ResponseAction* action = nullptr;
    for (const auto& a : actions_) {
      if (a->name() == name) action = a.get();
    }
    // The rule loader refuses unknown action names; a rule set built elsewhere may still name
    // one this engine has no plug-in for: that is audited as a failure, never ignored.
    ActionOutcome o;
    if (action) {
      o = action->run(rule, events, dry_run());
    } else {
      o.result = "failed";
      o.detail = "no response action named '" + name + "' in this build";
    }
    {
      std::lock_guard lock(counts_mu_);
      ++counts_[{name, o.result}];
    }
    if (counter_) counter_->with({name, o.result}).inc();
    audit(rule, name, *events.back(), o);
  }
}

void ResponseActions::audit(const RuleMeta& rule, std::string_view action, const Event& e,
                            const ActionOutcome& o) {
  line_.clear();
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  line_ += "{\"@timestamp\":\"";
  format_rfc3339(now, line_);
  line_ += "\",\"action\":";
  append_json_string(action, line_);
  line_ += ",\"result\":";
  append_json_string(o.result, line_);
  line_ += ",\"dry_run\":";
  line_ += dry_run() ? "true" : "false";
  line_ += ",\"rule\":{\"id\":";
  append_json_string(rule.id, line_);
  line_ += ",\"name\":";
  append_json_string(rule.name, line_);
  line_ += "},\"target\":{";
  for (size_t k = 0; k < o.target.size(); ++k) {
    if (k) line_ += ',';
    append_json_string(o.target[k].key, line_);
    line_ += ':';
    if (o.target[k].number) {
      line_ += o.target[k].value;
    } else {
      append_json_string(o.target[k].value, line_);
    }
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

uint64_t ResponseActions::count(std::string_view action, std::string_view result) const {
  std::lock_guard lock(counts_mu_);
  auto it = counts_.find(std::pair<std::string, std::string>(action, result));
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace wsn::response
