#include "wasm/wasm_rules.h"

#include <algorithm>

namespace wsn::wasm {

WasmRules::WasmRules(std::vector<WasmRule> rules, std::shared_ptr<const WasmOptions> options,
                     TierChoice choice)
    : rules_(std::move(rules)), options_(std::move(options)), choice_(choice) {}

std::unique_ptr<Matcher> WasmRules::make_matcher() const {
  return std::make_unique<WasmMatcher>(rules_, options_, choice_);
}

void WasmRules::add_interest(EventInterest& out, const FieldRegistry& registry) const {
  for (const WasmRule& r : rules_) {
    const BoundMeta& b = r.module->bound;
    if (b.all_categories) {
      out.everything = true;
      return;
    }
    for (CategoryId c : b.categories) {
      EventInterest::Want w;
      w.category = std::string(registry.category_name(c));
      out.wants.push_back(std::move(w));
    }
  }
}

WasmMatcher::WasmMatcher(const std::vector<WasmRule>& rules,
                         std::shared_ptr<const WasmOptions> options, TierChoice choice)
    : options_(std::move(options)) {
  CategoryId max_category = categories::kBuiltinCount;
  for (const WasmRule& r : rules) {
    for (CategoryId c : r.module->bound.categories)
      max_category = std::max<CategoryId>(max_category, c + 1);
  }
  by_category_.resize(max_category);
  for (const WasmRule& r : rules) {
    runners_.push_back(std::make_unique<ModuleRunner>(r.module, r.binding, *options_, choice));
    ModuleRunner* runner = runners_.back().get();
    const BoundMeta& b = r.module->bound;
    if (b.all_categories) {
      any_category_.push_back(runner);
      for (auto& list : by_category_) list.push_back(runner);
    } else {
      for (CategoryId c : b.categories) {
        auto& list = by_category_[c];
        if (std::find(list.begin(), list.end(), runner) == list.end()) list.push_back(runner);
      }
    }
  }
}

void WasmMatcher::process(const Event& e, MatchSink& sink) {
  const CategoryId c = e.category();
  const auto& list = c < by_category_.size() ? by_category_[c] : any_category_;
  for (ModuleRunner* r : list) r->process(e, sink);
}

void WasmMatcher::set_live_events(bool live) {
  for (auto& r : runners_) r->set_live_events(live);
}

MatcherStats WasmMatcher::stats() const {
  MatcherStats s;
  for (const auto& r : runners_) {
    s.evaluations += r->stats().calls;
    s.errors +=
        r->stats().traps + r->stats().errors[static_cast<size_t>(RuleErrorKind::kNegativeResult)];
  }
  return s;
}

void WasmMatcher::add_rule_counters(std::span<uint64_t> evaluations,
                                    std::span<uint64_t> matches) const {
  for (const auto& r : runners_) {
    const uint32_t k = r->binding().rule_index;
    if (k < evaluations.size()) evaluations[k] += r->stats().calls;
    if (k < matches.size()) matches[k] += r->stats().matches;
  }
}

void WasmMatcher::add_rule_faults(std::span<RuleFaults> faults) const {
  for (const auto& r : runners_) {
    const uint32_t k = r->binding().rule_index;
    if (k >= faults.size()) continue;
    const RunnerStats& s = r->stats();
    faults[k].traps += s.traps;
    faults[k].quarantines += s.quarantines;
    faults[k].quarantined = faults[k].quarantined || s.quarantined;
    for (size_t i = 0; i < kRuleErrorKindCount; ++i) faults[k].errors[i] += s.errors[i];
    faults[k].dropped_logs += s.dropped_logs;
    faults[k].state_evictions += s.state_evictions;
  }
}

}  // namespace wsn::wasm
