// Wasm rules as the detection stage sees them: an immutable CompiledRules holding the loaded
// modules of a snapshot, and a Matcher holding one ModuleRunner (instance, state, policy) per
// rule. Events are dispatched by category to the rules that declared it.
#pragma once

#include <memory>
#include <vector>

#include "wasm/module.h"
#include "wasm/options.h"
#include "wasm/runner.h"
#include "wsn/detector.h"

namespace wsn::wasm {

struct WasmRule {
  RuleBinding binding;
  std::shared_ptr<const LoadedModule> module;
};

class WasmRules final : public CompiledRules, public std::enable_shared_from_this<WasmRules> {
 public:
  WasmRules(std::vector<WasmRule> rules, std::shared_ptr<const WasmOptions> options,
            TierChoice choice = TierChoice::kBest);
  std::unique_ptr<Matcher> make_matcher() const override;
  // The categories each module's metadata declares (all of their events: a module's logic
  // cannot be analysed); no declaration or "*" is everything.
  void add_interest(EventInterest& out, const FieldRegistry& registry) const override;
  const std::vector<WasmRule>& rules() const { return rules_; }
  const WasmOptions& options() const { return *options_; }

 private:
  std::vector<WasmRule> rules_;
  std::shared_ptr<const WasmOptions> options_;
  TierChoice choice_;
};

class WasmMatcher final : public Matcher {
 public:
  WasmMatcher(const std::vector<WasmRule>& rules, std::shared_ptr<const WasmOptions> options,
              TierChoice choice);
  void process(const Event& e, MatchSink& sink) override;
  void set_live_events(bool live) override;
  MatcherStats stats() const override;
  void add_rule_counters(std::span<uint64_t> evaluations,
                         std::span<uint64_t> matches) const override;
  void add_rule_faults(std::span<RuleFaults> faults) const override;

  const std::vector<std::unique_ptr<ModuleRunner>>& runners() const { return runners_; }

 private:
  std::shared_ptr<const WasmOptions> options_;
  std::vector<std::unique_ptr<ModuleRunner>> runners_;
  std::vector<std::vector<ModuleRunner*>> by_category_;  // includes all-category rules
  std::vector<ModuleRunner*> any_category_;              // for categories beyond the table
};

}  // namespace wsn::wasm
