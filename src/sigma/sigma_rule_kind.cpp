// The Sigma rule kind: the loader (detect/sigma_documents.cpp) hands each Sigma rule over as
// its file's text and the documents that make it (RuleSource::params `sigma_documents`: the
// indices of the `action: global` / `repeat` documents and its own, merged in that order) and
// the `sigma_mapping:` documents that extend the built-in mapping. Each rule is translated to
// EQL (compile.h) and compiled by the EQL compiler into the shared predicate-IR plan.
#include "sigma/sigma_rule_kind.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "eql/compile/compiler.h"
#include "sigma/compile.h"
#include "sigma/correlation.h"

namespace wsn {
namespace sigma {
namespace {

std::vector<size_t> document_indices(const RuleSource& r) {
  std::vector<size_t> out;
  for (const auto& [k, v] : r.params) {
    if (k != "sigma_documents") continue;
    std::stringstream ss(v);
    std::string part;
    while (std::getline(ss, part, ',')) {
      if (!part.empty()) out.push_back(static_cast<size_t>(std::stoul(part)));
    }
  }
  return out;
}

struct Translator {
  std::map<const SourceText*, std::vector<YAML::Node>> docs;
  std::map<std::string, std::shared_ptr<Mapping>> mappings;

  const Mapping& mapping_for(const RuleSource& r) {
    std::string key;
    for (const auto& [k, v] : r.params) {
      if (k == "sigma_mapping") key += v + "\n---\n";
    }
    if (key.empty()) return Mapping::builtin();
    auto& m = mappings[key];
    if (!m) {
      m = std::make_shared<Mapping>(Mapping::builtin());
      for (const auto& [k, v] : r.params) {
        if (k != "sigma_mapping") continue;
        Diagnostics ignored;  // reported when the mapping document was loaded
        try {
          m->add(YAML::Load(v)["sigma_mapping"], "sigma_mapping", ignored);
        } catch (const YAML::Exception&) {
        }
      }
    }
    return *m;
  }

  // The rule's merged document, or null (errors in `diags`).
  YAML::Node document(const RuleSource& r, Diagnostics& diags) {
    if (!r.body) {
      diags.error("SIGMA001", "a Sigma rule without its file text", {0, 1});
      return YAML::Node();
    }
    auto it = docs.find(r.body.get());
    if (it == docs.end()) {
      std::vector<YAML::Node> all;
      try {
        all = YAML::LoadAll(r.body->text());
      } catch (const YAML::Exception& e) {
        diags.error("SIGMA001", "invalid YAML: " + e.msg, {0, 1});
        return YAML::Node();
      }
      it = docs.emplace(r.body.get(), std::move(all)).first;
    }
    const std::vector<size_t> idx = document_indices(r);
    if (idx.empty() || idx.back() >= it->second.size()) {
      diags.error("SIGMA001", "a Sigma rule names no document of its file", {0, 1});
      return YAML::Node();
    }
    YAML::Node doc = it->second[idx.back()];
    for (size_t k = idx.size() - 1; k-- > 0;) {
      if (idx[k] < it->second.size()) doc = merge_global(it->second[idx[k]], doc);
    }
    return doc;
  }

  Outcome translate(const RuleSource& r, const FieldRegistry& reg, Diagnostics& diags,
                    std::string& eql, RuleParts* parts = nullptr, std::string* name = nullptr) {
    try {
      YAML::Node doc = document(r, diags);
      if (!doc) return Outcome::kError;
      if (name && doc["name"] && doc["name"].IsScalar()) *name = doc["name"].as<std::string>();
      return compile_rule(doc, mapping_for(r), reg, r.body->name(), r.body->text(), diags, eql,
                          parts);
    } catch (const YAML::Exception& e) {
      diags.error("SIGMA001", "invalid Sigma rule: " + e.msg, {0, 1});
      return Outcome::kError;
    }
  }

  Outcome correlate(const RuleSource& r, const FieldRegistry& reg,
                    const std::vector<BaseRule>& bases, Diagnostics& diags,
                    CorrelationResult& out) {
    try {
      YAML::Node doc = document(r, diags);
      if (!doc) return Outcome::kError;
      return compile_correlation(doc, mapping_for(r), reg, bases, diags, out);
    } catch (const YAML::Exception& e) {
      diags.error("SIGMA001", "invalid Sigma correlation rule: " + e.msg, {0, 1});
      return Outcome::kError;
    }
  }
};

class SigmaRuleKind final : public RuleKind {
 public:
  std::shared_ptr<const CompiledRules> compile(std::span<const RuleSource* const>,
                                               std::span<const uint32_t>, FieldRegistry&,
                                               RuleReport&) override {
    return nullptr;  // compiles_to_shared_plan()
  }
  bool compiles_to_shared_plan() const override { return true; }

  void add_to_plan(std::span<const RuleSource* const> rules, std::span<const uint32_t> indices,
                   FieldRegistry& registry, RulePlanBuilder& builder, RuleReport& report) override {
    eql::CompileOptions options;  // Elastic dialect, ECS lineage
    eql::configure_shared_plan(builder, registry, options);
    Translator t;
    std::vector<std::shared_ptr<SourceText>> queries(rules.size());
    std::vector<eql::EqlRuleSource> sources;
    std::vector<size_t> which;
    std::vector<BaseRule> bases;    // the translated rules, for correlations
    std::vector<size_t> base_rule;  // bases[j] is rules[base_rule[j]]
    std::vector<bool> suppressed(rules.size(), false);
    // Aggregating correlations, by rule: their compiled sequence form becomes the aggregate.
    std::vector<std::optional<CorrelationResult>> aggregates(rules.size());
    // Further queries of one rule (temporal correlations), by rule.
    std::vector<std::pair<size_t, std::shared_ptr<SourceText>>> extra;
    std::vector<std::shared_ptr<SourceText>> texts;  // texts[j]: the query of which[j]
    auto is_correlation = [&](size_t k) {
      for (const auto& [key, v] : rules[k]->params) {
        if (key == "sigma_correlation") return true;
      }
      return false;
    };
    for (size_t k = 0; k < rules.size(); ++k) {
      if (is_correlation(k)) continue;
      Diagnostics d;
      std::string eql, name;
      RuleParts parts;
      const Outcome o = t.translate(*rules[k], registry, d, eql, &parts, &name);
      for (const Diagnostic& x : d.items()) report.add(x, rules[k]->body);
      if (o != Outcome::kOk) {
        report.failed.push_back(indices[k]);
        continue;
      }
      queries[k] = std::make_shared<SourceText>(
          rules[k]->meta.source + " (Sigma rule '" + rules[k]->meta.name + "' as EQL)", eql);
      bases.push_back({rules[k]->meta.id, name, parts});
      base_rule.push_back(k);
    }
    // Correlations: sequences over the rules they refer to; those rules alert on their own only
    // with `generate: true`.
    for (size_t k = 0; k < rules.size(); ++k) {
      if (!is_correlation(k)) continue;
      Diagnostics d;
      CorrelationResult c;
      const Outcome o = t.correlate(*rules[k], registry, bases, d, c);
      for (const Diagnostic& x : d.items()) report.add(x, rules[k]->body);
      if (o != Outcome::kOk) {
        report.failed.push_back(indices[k]);
        continue;
      }
      if (!c.generate) {
        for (size_t j : c.referenced) suppressed[base_rule[j]] = true;
      }
      if (c.aggregate) aggregates[k] = c;
      // A temporal correlation is one sequence per order of its rules, all reporting as rule k.
      for (size_t q = 0; q < c.eql.size(); ++q) {
        auto text = std::make_shared<SourceText>(
            rules[k]->meta.source + " (Sigma correlation '" + rules[k]->meta.name + "' as EQL" +
                (c.eql.size() > 1 ? ", order " + std::to_string(q + 1) : "") + ")",
            c.eql[q]);
        if (q == 0) {
          queries[k] = std::move(text);
        } else {
          extra.emplace_back(k, std::move(text));
        }
      }
    }
    for (size_t k = 0; k < rules.size(); ++k) {
      if (queries[k] && !suppressed[k]) {
        which.push_back(k);
        texts.push_back(queries[k]);
      }
    }
    for (const auto& [k, text] : extra) {
      which.push_back(k);
      texts.push_back(text);
    }
    std::vector<Diagnostics> diags(which.size());
    std::vector<Diagnostics> exception_diags(which.size());
    for (size_t j = 0; j < which.size(); ++j) {
      const RuleSource& r = *rules[which[j]];
      sources.push_back({indices[which[j]], texts[j].get(), r.exceptions.get(), &exception_diags[j],
                         r.value_lists.get()});
    }
    const size_t first_new = builder.plan.rules.size();
    eql::add_eql_rules(sources, registry, options, builder.plan, diags);
    std::map<uint32_t, const CorrelationResult*> aggregate_of;  // by rule index
    for (size_t k = 0; k < rules.size(); ++k) {
      if (aggregates[k]) aggregate_of[indices[k]] = &*aggregates[k];
    }
    for (size_t p = first_new; p < builder.plan.rules.size() && !aggregate_of.empty(); ++p) {
      match::RulePlan& plan = builder.plan.rules[p];
      const auto it = aggregate_of.find(plan.rule_index);
      if (it != aggregate_of.end()) make_aggregate(plan, *it->second);
    }
    for (size_t j = 0; j < which.size(); ++j) {
      const size_t k = which[j];
      if (diags[j].has_errors() || exception_diags[j].has_errors()) {
        report.failed.push_back(indices[k]);
      }
      for (const Diagnostic& d : diags[j].items()) report.add(d, texts[j]);
      for (const Diagnostic& d : exception_diags[j].items()) report.add(d, rules[k]->exceptions);
    }
  }
};

}  // namespace

bool rule_to_eql(const RuleSource& rule, const FieldRegistry& registry, Diagnostics& diags,
                 std::string& eql) {
  Translator t;
  return t.translate(rule, registry, diags, eql) == Outcome::kOk;
}

}  // namespace sigma

namespace plugins {

RuleKindPlugin sigma_rule_kind_plugin() {
  RuleKindPlugin p;
  p.name = "sigma";
  p.summary =
      "Sigma rules (title, logsource, detection), compiled through EQL to the shared "
      "predicate IR";
  p.body_key = "detection";
  p.extra_keys = {};
  p.create = [] { return std::unique_ptr<RuleKind>(std::make_unique<sigma::SigmaRuleKind>()); };
  return p;
}

}  // namespace plugins
}  // namespace wsn
