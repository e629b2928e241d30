// Reading rule YAML (Sigma documents, exception lists): a node's scalar text.
//
// Thread safe: a pure function.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace wsn::sigma {

// The node's text when it is a scalar; "" otherwise (absent, a list, a map).
inline std::string scalar(const YAML::Node& n) {
  return n && n.IsScalar() ? n.as<std::string>() : "";
}

}  // namespace wsn::sigma
