// A strict parser of the Prometheus text exposition format (0.0.4), written for the tests to
// validate what /metrics serves: HELP/TYPE lines, metric and label names, label value escapes,
// one TYPE per family before its samples, families contiguous, no duplicate series, and for
// histograms: _bucket samples with a `le` label, cumulative, ending with +Inf equal to _count,
// and a _sum.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace wsn::test {

struct Sample {
  std::string name;                           // as written (e.g. x_bucket)
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

struct Family {
  std::string name;
  std::string help;
  std::string type;  // counter, gauge, histogram, summary, untyped
  std::vector<Sample> samples;
};

struct Exposition {
  std::map<std::string, Family> families;
  std::vector<std::string> errors;  // "line N: what is wrong"
  // Value of the sample `name` with exactly `labels`, or NaN when absent.
  double value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const;
};

Exposition parse_exposition(const std::string& text);

}  // namespace wsn::test
