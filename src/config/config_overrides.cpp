#include "config/config_overrides.h"

#include <yaml-cpp/yaml.h>

namespace wsn::config {
namespace {

// A copy of `n` made of fresh nodes, which carry no position (YAML::Mark::null_mark()).
YAML::Node without_marks(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return YAML::Node(n.Scalar());
    case YAML::NodeType::Sequence: {
      YAML::Node out(YAML::NodeType::Sequence);
      for (const auto& item : n) out.push_back(without_marks(item));
      return out;
    }
    case YAML::NodeType::Map: {
      YAML::Node out(YAML::NodeType::Map);
      for (auto it = n.begin(); it != n.end(); ++it) {
        out[without_marks(it->first)] = without_marks(it->second);
      }
      return out;
    }
    default:
      return YAML::Node(YAML::NodeType::Null);
  }
}

std::vector<std::string> split_path(std::string_view key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    parts.emplace_back(key.substr(start, dot == std::string_view::npos ? key.npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

bool is_under(std::string_view path, std::string_view prefix) {
  return path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix &&
         (path[prefix.size()] == '.' || path[prefix.size()] == '[');
}

}  // namespace

bool parse_override(std::string_view text, ConfigOverride& out, std::string& why) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    why = "expected KEY=VALUE, e.g. sinks.stdout.format=text";
    return false;
  }
  out.key = std::string(text.substr(0, eq));
  out.value = std::string(text.substr(eq + 1));
  out.text = std::string(text);
  for (const auto& part : split_path(out.key)) {
    if (part.empty() || part.find_first_of(" \t[]{}:,") != std::string::npos) {
      why = "'" + out.key + "' is not a key path such as sinks.stdout.format";
      return false;
    }
  }
  return true;
}

void apply_overrides(YAML::Node& root, const std::vector<ConfigOverride>& overrides,
                     std::vector<std::string>& errors) {
  if (overrides.empty()) return;
  if (!root || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  for (const auto& o : overrides) {
    const std::string where = "-o " + o.text + ": error: " + o.key + ": ";
    YAML::Node value;
    try {
      // Lists, mappings and quoted strings are YAML; anything else is the text as written (a
      // template such as "%rule: %process.name" is not a YAML directive or a mapping, and an
      // empty value is the empty string).
      const bool yaml =
          !o.value.empty() && std::string_view("[{\"'").find(o.value[0]) != std::string_view::npos;
      value = yaml ? without_marks(YAML::Load(o.value)) : YAML::Node(o.value);
    } catch (const YAML::Exception& e) {
      errors.push_back(where + "the value is not valid YAML: " + e.msg + "\n");
      continue;
    }
    if (!root.IsMap()) {
      errors.push_back(where + "the configuration is not a mapping\n");
      return;
    }
    const std::vector<std::string> parts = split_path(o.key);
    // Walk to the parent, creating mappings; yaml-cpp nodes are handles, so `at` can move on.
    std::vector<YAML::Node> chain{root};
    std::string walked;
    bool ok = true;
    for (size_t k = 0; k + 1 < parts.size(); ++k) {
      walked += (walked.empty() ? "" : ".") + parts[k];
      YAML::Node child = chain.back()[parts[k]];
      if (!child || child.IsNull()) {
        child = YAML::Node(YAML::NodeType::Map);
        chain.back()[parts[k]] = child;
        child = chain.back()[parts[k]];
      } else if (!child.IsMap()) {
        errors.push_back(where + "'" + walked +
                         "' is not a mapping in the configuration, so it has no key '" +
                         parts[k + 1] + "'\n");
        ok = false;
        break;
      }
      chain.push_back(child);
    }
    if (ok) chain.back()[parts.back()] = value;
  }
}

const ConfigOverride* override_for(const std::vector<ConfigOverride>& overrides,
                                   std::string_view path) {
  const ConfigOverride* found = nullptr;
  for (const auto& o : overrides) {
    if (o.key == path || is_under(o.key, path) || is_under(path, o.key)) found = &o;
  }
  return found;  // the last one: a later -o of the same key wins, and is the one read
}

}  // namespace wsn::config
