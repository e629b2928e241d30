#include "response/kill/kill_plugin.h"

#include "response/kill/kill_action.h"

namespace wsn::plugins {
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

class KillAction final : public ResponseAction {
 public:
  std::string_view name() const override { return "kill"; }
  std::vector<std::string> results() const override {
    std::vector<std::string> out;
    for (auto r : {response::KillResult::kKilled, response::KillResult::kDryRun,
                   response::KillResult::kRefused, response::KillResult::kGone,
                   response::KillResult::kFailed}) {
      out.emplace_back(response::kill_result_name(r));
    }
    return out;
  }
  ActionOutcome run(const RuleMeta&, std::span<const Event* const> events, bool dry_run) override {
    const Event& e = *events.back();
    response::KillTarget t;
    t.pid = int_field(e, fields::kProcessPid);
    t.name = std::string(string_field(e, fields::kProcessName));
    t.start_ns = int_field(e, fields::kProcessStart);
    const response::KillOutcome k = response::kill_process(t, dry_run);
    ActionOutcome o;
    o.result = std::string(response::kill_result_name(k.result));
    o.detail = k.detail;
    o.target.push_back({"pid", std::to_string(t.pid), true});
    o.target.push_back({"name", t.name, false});
    if (auto entity = string_field(e, fields::kProcessEntityId); !entity.empty()) {
      o.target.push_back({"entity_id", std::string(entity), false});
    }
    if (auto host = string_field(e, fields::kHostName); !host.empty()) {
      o.target.push_back({"host", std::string(host), false});
    }
    return o;
  }
};

struct KillConfig final : PluginConfig {};

}  // namespace

ActionPlugin kill_action_plugin() {
  ActionPlugin p;
  p.name = "kill";
  p.summary = "SIGKILL to the triggering event's process (pidfd, checked name and start time)";
  p.configure = [](ConfigSection& s) {
    s.known_keys({});  // nothing to set yet; response.dry_run and audit_log are shared
    return std::make_shared<KillConfig>();
  };
  p.create = [](const PluginConfig&, ActionContext&) -> Result<std::unique_ptr<ResponseAction>> {
    return std::unique_ptr<ResponseAction>(std::make_unique<KillAction>());
  };
  return p;
}

}  // namespace wsn::plugins
