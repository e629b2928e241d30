#include "wsn/rule.h"

namespace wsn {

std::string_view severity_label(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "medium";
}

int severity_score(Severity s) {
  switch (s) {
    case Severity::kLow:
      return 21;
    case Severity::kMedium:
      return 47;
    case Severity::kHigh:
      return 73;
    case Severity::kCritical:
      return 99;
  }
  return 47;
}

bool parse_severity(std::string_view text, Severity& out) {
  for (auto s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (severity_label(s) == text) {
      out = s;
      return true;
    }
  }
  return false;
}

}  // namespace wsn
