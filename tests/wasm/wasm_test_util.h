// Shared fixtures of the Wasm runtime tests: a loader pointed at this build's helper and a
// private AOT cache, paths of the built test modules and SDK examples, event builders and a
// sink that records detections.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "wasm/helper_client.h"
#include "wasm/loader.h"
#include "wasm/wasm_rules.h"
#include "wsn/detector.h"
#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn::wasm::testing {

inline std::string test_module(const std::string& name) {
  return std::string(WSN_WASM_TEST_MODULES) + "/" + name + ".wasm";
}
inline std::string sdk_module(const std::string& name) {
  return std::string(WSN_WASM_SDK_OUT) + "/" + name + ".wasm";
}

struct Detection {
  uint32_t rule = 0;
  std::string event_id;
  std::string title;
  std::string details;
  bool has_severity = false;
  Severity severity = Severity::kMedium;
};

class RecordingSink final : public MatchSink {
 public:
  void on_match(uint32_t rule, std::span<const Event* const> events) override {
    on_match_detail(rule, events, MatchDetail{});
  }
  void on_match_detail(uint32_t rule, std::span<const Event* const> events,
                       const MatchDetail& d) override {
    Detection det;
    det.rule = rule;
    FieldView v;
    if (!events.empty() && events[0]->get(fields::kEventId, v)) det.event_id = std::string(v.s);
    det.title = std::string(d.title);
    det.details = std::string(d.details);
    det.has_severity = d.has_severity;
    det.severity = d.severity;
    all.push_back(std::move(det));
  }
  void on_live_decision(std::string_view decision) override {
    decisions.emplace_back(decision);
  }
  size_t count(uint32_t rule) const {
    size_t n = 0;
    for (const auto& d : all) n += d.rule == rule ? 1 : 0;
    return n;
  }
  std::vector<Detection> all;
  std::vector<std::string> decisions;
};

// A process event (category process) with the given action, name and command line.
inline Event process_event(const std::string& id, const std::string& action,
                           const std::string& name, const std::string& cmdline,
                           int64_t time_ns = 1'700'000'000'000'000'000) {
  Event e;
  e.set_category(categories::kProcess);
  e.set_string(fields::kEventId, id);
  e.set_string(fields::kEventAction, action);
  e.set_string(fields::kProcessName, name);
  e.set_string(fields::kProcessCommandLine, cmdline);
  e.set_timestamp(fields::kTimestamp, time_ns);
  return e;
}

class WasmFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_dir_ = std::filesystem::temp_directory_path() /
                 ("wsn-wasm-test-" + std::to_string(::getpid()) + "-" +
                  std::to_string(reinterpret_cast<uintptr_t>(this)));
    options_ = std::make_shared<WasmOptions>();
    options_->helper_path = WSN_WASM_HELPER_PATH;
    options_->cache_dir = cache_dir_.string();
    options_->tier = TierMode::kInterpreter;
    // Tests of fuel, depth and the rest expect exactly those traps: a wall-clock deadline far
    // beyond any call keeps a loaded CI machine from turning a slow fuel trap into a deadline
    // trap. The deadline tests set their own budget.
    options_->sandbox.deadline_ms_per_event = 60'000;
    options_->log = [this](std::string_view rule, int level, std::string_view msg) {
      logs_.push_back(std::string(rule) + ":" + std::to_string(level) + ":" + std::string(msg));
    };
  }
  void TearDown() override {
    loader_.reset();
    std::error_code ec;
    std::filesystem::remove_all(cache_dir_, ec);
  }

  ModuleLoader& loader() {
    if (!loader_) loader_ = std::make_unique<ModuleLoader>(*options_);
    return *loader_;
  }

  std::shared_ptr<LoadedModule> load(const std::string& path, const std::string& config = {}) {
    LoadError err;
    auto m = loader().load(path, config, registry_, err);
    EXPECT_TRUE(m) << path << ": " << err.message;
    return m;
  }

  LoadError load_error(const std::string& path, const std::string& config = {}) {
    LoadError err;
    auto m = loader().load(path, config, registry_, err);
    EXPECT_FALSE(m) << path << " should not load";
    return err;
  }

  WasmRule rule(uint32_t index, std::shared_ptr<LoadedModule> m, FailMode fail = FailMode::kOpen) {
    WasmRule r;
    r.binding.rule_index = index;
    r.binding.rule_id = "rule" + std::to_string(index);
    r.binding.fail = fail;
    r.module = std::move(m);
    return r;
  }

  FieldRegistry registry_;
  std::shared_ptr<WasmOptions> options_;
  std::unique_ptr<ModuleLoader> loader_;
  std::filesystem::path cache_dir_;
  std::vector<std::string> logs_;
};

}  // namespace wsn::wasm::testing
