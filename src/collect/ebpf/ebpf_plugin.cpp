#include "collect/ebpf/ebpf_plugin.h"

#include "collect/ebpf/ebpf_source.h"
#include "collect/ebpf/filled_fields.h"

namespace wsn::plugins {
namespace {

// The collector behind the generic source interface: prepare() turns the rules' interest into
// hooks and attaches them; rules_changed() widens the read filter or says a restart is needed.
class EbpfPluginSource final : public EventSource {
 public:
  EbpfPluginSource(const EbpfSourceConfig& c, SourceContext& ctx) : config_(c) {
    options_.ring_buffer_bytes = c.ring_buffer_bytes;
    options_.process_table_capacity = c.process_table;
    options_.host_name = c.host_name;
    options_.env_vars = c.env_vars;
    if (ctx.report) {
      options_.on_malformed = [report = ctx.report](std::string_view why) {
        report("ebpf: malformed kernel record: " + std::string(why));
      };
    }
  }

  std::string_view name() const override { return "ebpf"; }
  DropPolicy drop_policy() const override { return DropPolicy::kDrop; }
  bool live() const override { return true; }

  bool may_emit(const EventInterest::Want& w) const override { return collect::ebpf_may_emit(w); }

  Status prepare(const EventInterest& wanted) override {
    all_reads_rules_ = collect::rules_wanting_all_reads(wanted);
    attached_ = interest_for(wanted);
    options_.interest = attached_;
    source_ = std::make_unique<collect::EbpfSource>(options_);
    return source_->start();
  }

  void rules_changed(const EventInterest& wanted, std::vector<std::string>& notes) override {
    if (!source_ || config_.hooks == EbpfSourceConfig::Hooks::kAll) return;
    const collect::EbpfInterest needed = interest_for(wanted);
    const std::vector<std::string> missing = attached_.missing(needed);
    if (missing.empty()) return;
    // Only read prefixes missing, and reads already prefix-filtered: widen the kernel filter.
    const std::vector<std::string> added = attached_.missing_read_prefixes(needed);
    const bool prefixes_only =
        attached_.reads_mode() == 1 && needed.reads_mode() == 1 && added.size() == missing.size();
    if (prefixes_only && source_->add_read_prefixes(added).ok()) {
      std::string shown;
      for (const std::string& p : added) {
        attached_.add_read_prefix(p);
        shown += (shown.empty() ? "" : ", ") + p;
      }
      notes.push_back(
          "ebpf: the reloaded rules read more paths; now also reporting read opens "
          "under " +
          shown);
      return;
    }
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    notes.push_back(
        "warning: ebpf: the reloaded rules need events the running collector does "
        "not watch (" +
        list + "); restart `run` to attach their hooks (until then those rules miss them)");
  }

  std::vector<std::string> describe() const override {
    std::vector<std::string> out;
    if (!source_) return out;
    std::string hooks;
    for (const auto& h : source_->attached_hooks()) hooks += (hooks.empty() ? "" : " ") + h;
    out.push_back("ebpf: events: " + attached_.to_string() + "; hooks: " + hooks +
                  "; ring buffer: " + std::to_string(options_.ring_buffer_bytes >> 10) + " KiB");
    if (attached_.reads_mode() == 1) {
      std::string prefixes;
      for (const auto& p : attached_.read_prefixes()) {
        prefixes += (prefixes.empty() ? "" : " ") + p;
      }
      out.push_back("ebpf: file reads reported under: " + prefixes);
    }
    for (const auto& h : source_->unavailable_hooks()) {
      out.push_back("warning: ebpf: this kernel has no " + h + "; those events are not seen");
    }
    if (attached_.reads_mode() == 2) {
      std::string why = "all hooks were asked for";
      if (!all_reads_rules_.empty()) {
        why = "these rules can match read opens (event.action \"open\") of any path: ";
        const size_t shown = std::min<size_t>(all_reads_rules_.size(), 5);
        for (size_t k = 0; k < shown; ++k) why += (k ? ", " : "") + all_reads_rules_[k];
        if (all_reads_rules_.size() > shown) {
          why += " and " + std::to_string(all_reads_rules_.size() - shown) + " more";
        }
        why += "; give them a file.path prefix or an event.action other than \"open\"";
      }
      out.push_back("warning: ebpf: every file opened for reading is reported (" + why +
                    "); this is the heaviest setting on busy hosts");
    }
    return out;
  }

  Status run(EventWriter& out) override {
    if (!source_) {
      if (Status s = prepare(EventInterest{.everything = true}); !s.ok()) return s;
    }
    return source_->run(out);
  }
  void stop() override {
    if (source_) source_->stop();
  }
  SourceStats stats() const override { return source_ ? source_->stats() : SourceStats{}; }

 private:
  collect::EbpfInterest interest_for(const EventInterest& wanted) const {
    const bool everything = wanted.scope == EventInterest::Scope::kAll || wanted.everything ||
                            (wanted.scope == EventInterest::Scope::kConfigured &&
                             config_.hooks == EbpfSourceConfig::Hooks::kAll);
    if (everything) {
      collect::EbpfInterest all = collect::EbpfInterest::all();
      all.set_all_reads(true);
      return all;
    }
    return collect::interest_from(wanted);
  }

  EbpfSourceConfig config_;
  collect::EbpfOptions options_;
  collect::EbpfInterest attached_;
  std::vector<std::string> all_reads_rules_;  // rules that asked for every read
  std::unique_ptr<collect::EbpfSource> source_;
};

}  // namespace

SourcePlugin ebpf_source_plugin() {
  SourcePlugin p;
  p.name = "ebpf";
  p.summary = "live kernel events (eBPF tracepoints; root and kernel BTF)";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<EbpfSourceConfig>();
    s.known_keys({"enabled", "ring_buffer", "process_table", "host_name", "hooks", "env_vars"});
    s.read_bool("enabled", c->enabled);
    s.read_size("ring_buffer", c->ring_buffer_bytes, 4096);
    s.read_uint("process_table", c->process_table, 1024, 16u << 20);
    s.read_string("host_name", c->host_name);
    s.read_string_list("env_vars", c->env_vars);
    std::string hooks;
    if (s.read_choice("hooks", hooks, {"rules", "all"})) {
      c->hooks = hooks == "all" ? EbpfSourceConfig::Hooks::kAll : EbpfSourceConfig::Hooks::kRules;
    }
    return c;
  };
  p.enabled = [](const PluginConfig& pc) {
    return static_cast<const EbpfSourceConfig&>(pc).enabled;
  };
  p.available = [] { return collect::ebpf_available(); };
  p.filled_fields = [] {
    const FieldRegistry names;  // built-in names only
    std::vector<std::string> out;
    for (FieldId id : collect::ebpf_filled_fields()) out.push_back(names.info(id).name);
    return out;
  };
  p.create = [](const PluginConfig& pc,
                SourceContext& ctx) -> Result<std::unique_ptr<EventSource>> {
    return std::unique_ptr<EventSource>(
        std::make_unique<EbpfPluginSource>(static_cast<const EbpfSourceConfig&>(pc), ctx));
  };
  return p;
}

}  // namespace wsn::plugins
