#include "prometheus_parser.h"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

namespace wsn::test {
namespace {

const std::regex kMetricName("^[a-zA-Z_:][a-zA-Z0-9_:]*$");
const std::regex kLabelName("^[a-zA-Z_][a-zA-Z0-9_]*$");

bool parse_value(const std::string& s, double& out) {
  if (s == "+Inf" || s == "Inf") {
    out = INFINITY;
    return true;
  }
  if (s == "-Inf") {
    out = -INFINITY;
    return true;
  }
  if (s == "NaN") {
    out = NAN;
    return true;
  }
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

// The family a sample name belongs to, given the families declared so far.
std::string family_of(const std::string& sample, const std::map<std::string, Family>& fams) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string sfx = suffix;
    if (sample.size() > sfx.size() &&
        sample.compare(sample.size() - sfx.size(), sfx.size(), sfx) == 0) {
      const std::string base = sample.substr(0, sample.size() - sfx.size());
      auto it = fams.find(base);
      if (it != fams.end() && (it->second.type == "histogram" || it->second.type == "summary")) {
        return base;
      }
    }
  }
  return sample;
}

}  // namespace

double Exposition::value(const std::string& name,
                         const std::map<std::string, std::string>& labels) const {
  for (const auto& [fname, fam] : families) {
    for (const auto& s : fam.samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
  }
  return NAN;
}

Exposition parse_exposition(const std::string& text) {
  Exposition ex;
  auto err = [&](size_t line, const std::string& what) {
    ex.errors.push_back("line " + std::to_string(line) + ": " + what);
  };
  if (!text.empty() && text.back() != '\n') ex.errors.push_back("does not end with a newline");
  std::istringstream in(text);
  std::string line;
  size_t n = 0;
  std::string current;  // family whose lines we are in
  std::set<std::string> finished;
  std::set<std::string> series;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream ls(line.substr(1));
      std::string kw, name;
      ls >> kw >> name;
      if (kw != "HELP" && kw != "TYPE") continue;  // a comment
      if (!std::regex_match(name, kMetricName)) err(n, "bad metric name '" + name + "'");
      std::string rest;
      std::getline(ls, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      if (name != current) {
        if (finished.count(name)) err(n, "family " + name + " is not contiguous");
        if (!current.empty()) finished.insert(current);
        current = name;
      }
      Family& f = ex.families[name];
      f.name = name;
      if (kw == "HELP") {
        if (!f.help.empty()) err(n, "second HELP for " + name);
        // Only \\ and \n are escapes in HELP.
        for (size_t k = 0; k < rest.size(); ++k) {
          if (rest[k] == '\\') {
            if (k + 1 >= rest.size() || (rest[k + 1] != '\\' && rest[k + 1] != 'n')) {
              err(n, "bad escape in HELP");
            }
            ++k;
          }
        }
        f.help = rest.empty() ? " " : rest;
      } else {
        if (!f.type.empty()) err(n, "second TYPE for " + name);
        if (!f.samples.empty()) err(n, "TYPE after samples of " + name);
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (!kTypes.count(rest)) err(n, "unknown type '" + rest + "'");
        f.type = rest;
      }
      continue;
    }
    // name[{labels}] value [timestamp]
    size_t k = 0;
    while (k < line.size() && line[k] != '{' && line[k] != ' ') ++k;
    Sample s;
    s.name = line.substr(0, k);
    if (!std::regex_match(s.name, kMetricName)) err(n, "bad sample name '" + s.name + "'");
    if (k < line.size() && line[k] == '{') {
      ++k;
      while (k < line.size() && line[k] != '}') {
        size_t eq = line.find('=', k);
        if (eq == std::string::npos) {
          err(n, "label without '='");
          break;
        }
        const std::string lname = line.substr(k, eq - k);
        if (!std::regex_match(lname, kLabelName) || lname.rfind("__", 0) == 0) {
          err(n, "bad label name '" + lname + "'");
        }
        if (eq + 1 >= line.size() || line[eq + 1] != '"') {
          err(n, "label value not quoted");
          break;
        }
        std::string v;
        size_t p = eq + 2;
        bool closed = false;
        for (; p < line.size(); ++p) {
          const char c = line[p];
          if (c == '\\') {
            if (p + 1 >= line.size()) break;
            const char e = line[++p];
            if (e == '\\')
              v += '\\';
            else if (e == '"')
              v += '"';
            else if (e == 'n')
              v += '\n';
            else
              err(n, std::string("bad escape \\") + e + " in label value");
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            v += c;
          }
        }
        if (!closed) {
          err(n, "unterminated label value");
          break;
        }
        if (s.labels.count(lname)) err(n, "duplicate label " + lname);
        s.labels[lname] = v;
        k = p + 1;
        if (k < line.size() && line[k] == ',') ++k;
      }
      if (k >= line.size() || line[k] != '}') {
        err(n, "labels not closed");
        continue;
      }
      ++k;
    }
    if (k >= line.size() || line[k] != ' ') {
      err(n, "no value");
      continue;
    }
    std::istringstream vs(line.substr(k + 1));
    std::string value, ts, extra;
    vs >> value >> ts >> extra;
    if (!parse_value(value, s.value)) err(n, "bad value '" + value + "'");
    if (!ts.empty()) {
      char* end = nullptr;
      std::strtoll(ts.c_str(), &end, 10);
      if (*end) err(n, "bad timestamp '" + ts + "'");
    }
    if (!extra.empty()) err(n, "trailing text");
    const std::string fam = family_of(s.name, ex.families);
    if (fam != current) {
      if (finished.count(fam)) err(n, "family " + fam + " is not contiguous");
      if (!current.empty()) finished.insert(current);
      current = fam;
    }
    Family& f = ex.families[fam];
    f.name = fam;
    if (f.type.empty()) err(n, "sample of " + fam + " before its TYPE");
    if (f.type == "counter" && !(s.value >= 0)) err(n, "negative or NaN counter " + s.name);
    std::string key = s.name + "{";
    for (const auto& [ln, lv] : s.labels) key += ln + "=" + lv + ",";
    if (!series.insert(key).second) err(n, "duplicate series " + key);
    f.samples.push_back(std::move(s));
  }
  // Histogram rules, per label set (without le).
  for (auto& [name, f] : ex.families) {
    if (f.type != "histogram") continue;
    std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> buckets;
    std::map<std::map<std::string, std::string>, double> counts, sums;
    for (const auto& s : f.samples) {
      auto labels = s.labels;
      if (s.name == name + "_bucket") {
        auto le = labels.find("le");
        double bound = 0;
        if (le == labels.end() || !parse_value(le->second, bound)) {
          ex.errors.push_back(name + ": bucket without a valid le");
          continue;
        }
        labels.erase("le");
        buckets[labels].push_back({bound, s.value});
      } else if (s.name == name + "_count") {
        counts[labels] = s.value;
      } else if (s.name == name + "_sum") {
        sums[labels] = s.value;
      } else {
        ex.errors.push_back(name + ": unexpected sample " + s.name);
      }
    }
    for (const auto& [labels, bs] : buckets) {
      for (size_t k = 1; k < bs.size(); ++k) {
        if (!(bs[k].first > bs[k - 1].first)) ex.errors.push_back(name + ": le not increasing");
        if (bs[k].second < bs[k - 1].second) ex.errors.push_back(name + ": buckets not cumulative");
      }
      if (bs.empty() || !std::isinf(bs.back().first)) {
        ex.errors.push_back(name + ": no +Inf bucket");
        continue;
      }
      if (!counts.count(labels) || counts[labels] != bs.back().second) {
        ex.errors.push_back(name + ": _count differs from the +Inf bucket");
      }
      if (!sums.count(labels)) ex.errors.push_back(name + ": no _sum");
    }
  }
  return ex;
}

}  // namespace wsn::test
