#include <algorithm>

#include "wsn/plugins.h"

namespace wsn {
namespace {

template <typename P>
void add_or_replace(std::vector<P>& list, P p) {
  auto it = std::find_if(list.begin(), list.end(), [&](const P& q) { return q.name == p.name; });
  if (it != list.end()) {
    *it = std::move(p);
  } else {
    list.push_back(std::move(p));
  }
}

template <typename P>
const P* find(const std::vector<P>& list, std::string_view name) {
  for (const auto& p : list) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

void PluginRegistry::add(SourcePlugin p) {
  add_or_replace(sources_, std::move(p));
}
void PluginRegistry::add(SinkPlugin p) {
  add_or_replace(sinks_, std::move(p));
}
void PluginRegistry::add(RuleKindPlugin p) {
  add_or_replace(rule_kinds_, std::move(p));
}
void PluginRegistry::add(ActionPlugin p) {
  add_or_replace(actions_, std::move(p));
}

const SourcePlugin* PluginRegistry::source(std::string_view name) const {
  return find(sources_, name);
}
const SinkPlugin* PluginRegistry::sink(std::string_view name) const {
  return find(sinks_, name);
}
const RuleKindPlugin* PluginRegistry::rule_kind(std::string_view name) const {
  return find(rule_kinds_, name);
}
const ActionPlugin* PluginRegistry::action(std::string_view name) const {
  return find(actions_, name);
}

}  // namespace wsn
