#include "match/matchers.h"

#include <re2/re2.h>

#include <charconv>
#include <cmath>

#include "match/regex_literals.h"

namespace wsn::match {

std::string_view str_match_kind_name(StrMatchKind k) {
  switch (k) {
    case StrMatchKind::kExact:
      return "exact";
    case StrMatchKind::kWildcard:
      return "wildcard";
    case StrMatchKind::kRegex:
      return "regex";
    case StrMatchKind::kContains:
      return "contains";
    case StrMatchKind::kStarts:
      return "starts";
    case StrMatchKind::kEnds:
      return "ends";
  }
  return "exact";
}

StringMatcher::StringMatcher(StringMatcherSpec spec) : spec_(std::move(spec)) {}
StringMatcher::~StringMatcher() = default;

std::unique_ptr<StringMatcher> StringMatcher::create(StringMatcherSpec spec, std::string* error) {
  std::unique_ptr<StringMatcher> m(new StringMatcher(std::move(spec)));
  const bool fold = m->spec_.mode == CaseMode::kInsensitive;
  switch (m->spec_.kind) {
    case StrMatchKind::kExact:
      m->exact_ = StringSet(fold);
      for (const std::string& p : m->spec_.patterns) m->exact_.insert(p);
      break;
    case StrMatchKind::kWildcard:
      for (const std::string& p : m->spec_.patterns) {
        m->wildcards_.emplace_back(p, fold, m->spec_.question_mark);
      }
      break;
    case StrMatchKind::kContains:
    case StrMatchKind::kStarts:
    case StrMatchKind::kEnds:
      for (const std::string& p : m->spec_.patterns) {
        m->folded_.push_back(fold ? fold_copy(p) : p);
      }
      break;
    case StrMatchKind::kRegex: {
      std::string joined;
      for (size_t k = 0; k < m->spec_.patterns.size(); ++k) {
        if (k) joined += '|';
        joined += "(?:" + m->spec_.patterns[k] + ")";
      }
      RE2::Options opt;
      opt.set_case_sensitive(!fold);
      opt.set_dot_nl(true);
      opt.set_log_errors(false);
      m->regex_ = std::make_unique<RE2>(joined, opt);
      if (!m->regex_->ok()) {
        if (error) *error = m->regex_->error();
        return nullptr;
      }
      break;
    }
  }
  return m;
}

bool StringMatcher::matches(std::string_view s) const {
  const bool fold = spec_.mode == CaseMode::kInsensitive;
  switch (spec_.kind) {
    case StrMatchKind::kExact:
      return exact_.contains(s);
    case StrMatchKind::kWildcard:
      for (const Wildcard& w : wildcards_) {
        if (w.matches(s)) return true;
      }
      return false;
    case StrMatchKind::kContains:
      for (const std::string& p : folded_) {
        if ((fold ? find_fold(s, p) : s.find(p)) != std::string_view::npos) return true;
      }
      return false;
    case StrMatchKind::kStarts:
      for (const std::string& p : folded_) {
        if (fold ? starts_with_fold(s, p) : s.starts_with(p)) return true;
      }
      return false;
    case StrMatchKind::kEnds:
      for (const std::string& p : folded_) {
        if (fold ? ends_with_fold(s, p) : s.ends_with(p)) return true;
      }
      return false;
    case StrMatchKind::kRegex: {
      const auto anchor = spec_.anchor == RegexAnchor::kFull ? RE2::ANCHOR_BOTH : RE2::ANCHOR_START;
      return regex_->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), anchor, nullptr, 0);
    }
  }
  return false;
}

bool StringMatcher::required_literals(std::vector<std::string>& out,
                                      size_t min_regex_literal) const {
  std::vector<std::string> lits;
  switch (spec_.kind) {
    case StrMatchKind::kRegex:
      // Literals of 3+ bytes only: shorter ones (".", "-") are in most values and would make
      // the prefilter scan more without skipping much.
      for (const std::string& p : spec_.patterns) {
        if (!regex_required_literals(p, spec_.mode == CaseMode::kInsensitive, min_regex_literal,
                                     lits)) {
          return false;
        }
      }
      break;
    case StrMatchKind::kWildcard:
      for (const Wildcard& w : wildcards_) {
        const std::string_view lit = w.longest_literal();
        if (lit.empty()) return false;
        lits.push_back(fold_copy(lit));
      }
      break;
    default:
      for (const std::string& p : spec_.patterns) {
        if (p.empty()) return false;
        lits.push_back(fold_copy(p));
      }
      break;
  }
  if (lits.empty()) return false;
  out.insert(out.end(), lits.begin(), lits.end());
  return true;
}

std::string StringMatcher::describe() const {
  std::string out(str_match_kind_name(spec_.kind));
  if (spec_.mode == CaseMode::kInsensitive) out += "~";
  if (spec_.kind == StrMatchKind::kWildcard && spec_.question_mark) out += "?";
  if (spec_.kind == StrMatchKind::kRegex && spec_.anchor == RegexAnchor::kPrefix) out += "^";
  out += " [";
  for (size_t k = 0; k < spec_.patterns.size(); ++k) {
    if (k) out += ", ";
    out += value_to_string(Value::string(spec_.patterns[k]));
  }
  return out + "]";
}

void ValueSet::add(const Value& v) {
  ++size_;
  order_.push_back(value_to_string(v));
  switch (v.kind) {
    case ValueKind::kString:
      strings_.insert(v.s);
      break;
    case ValueKind::kInt:
      ints_.insert(v.i);
      break;
    case ValueKind::kFloat:
      if (std::isfinite(v.f) && std::floor(v.f) == v.f && std::fabs(v.f) < 9.2e18) {
        ints_.insert(static_cast<int64_t>(v.f));
      } else {
        floats_.push_back(v.f);
      }
      break;
    case ValueKind::kBool:
      (v.b ? has_true_ : has_false_) = true;
      break;
    default:
      --size_;
      order_.pop_back();
      break;
  }
}

bool ValueSet::contains_string(std::string_view s) const {
  return strings_.contains(s);
}

Value ValueSet::contains(const Value& v) const {
  switch (v.kind) {
    case ValueKind::kNull:
      return Value::null();
    case ValueKind::kString:
      return Value::boolean(contains_string(v.s));
    case ValueKind::kInt:
      return Value::boolean(ints_.count(v.i) > 0);
    case ValueKind::kFloat:
      if (std::isfinite(v.f) && std::floor(v.f) == v.f && std::fabs(v.f) < 9.2e18) {
        return Value::boolean(ints_.count(static_cast<int64_t>(v.f)) > 0);
      }
      for (double f : floats_) {
        if (f == v.f) return Value::boolean(true);
      }
      return Value::boolean(false);
    case ValueKind::kBool:
      return Value::boolean(v.b ? has_true_ : has_false_);
    case ValueKind::kStringList:
      for (uint32_t k = 0; k < v.list_count; ++k) {
        if (contains_string(v.item(k))) return Value::boolean(true);
      }
      return Value::boolean(false);
    case ValueKind::kIp: {
      const std::string text = v.ip->to_string();
      return Value::boolean(contains_string(text));
    }
  }
  return Value::null();
}

std::string ValueSet::describe() const {
  std::string out = mode_ == CaseMode::kInsensitive ? "in~ (" : "in (";
  for (size_t k = 0; k < order_.size(); ++k) {
    if (k) out += ", ";
    out += order_[k];
  }
  return out + ")";
}

bool ValueSet::required_literals(std::vector<std::string>& out) const {
  if (size_ == 0 || !ints_.empty() || !floats_.empty() || has_true_ || has_false_) return false;
  std::vector<std::string> lits;
  for (const auto& s : strings_.members()) {
    if (s.empty()) return false;
    lits.push_back(fold_copy(s));
  }
  out.insert(out.end(), lits.begin(), lits.end());
  return true;
}

bool ValueSet::string_members(std::vector<std::string>& out) const {
  if (size_ == 0 || !ints_.empty() || !floats_.empty() || has_true_ || has_false_) return false;
  out.insert(out.end(), strings_.members().begin(), strings_.members().end());
  return true;
}

bool ValueSet::int_members(std::vector<int64_t>& out) const {
  if (ints_.empty() || !strings_.empty() || !floats_.empty() || has_true_ || has_false_) {
    return false;
  }
  out.insert(out.end(), ints_.begin(), ints_.end());
  return true;
}

bool CidrSet::add(std::string_view cidr, bool bare_address) {
  const size_t slash = cidr.find('/');
  if (slash == std::string_view::npos && !bare_address) return false;
  IpAddress ip;
  if (!IpAddress::parse(cidr.substr(0, slash), ip)) return false;
  int n = ip.is_v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    const std::string_view bits = cidr.substr(slash + 1);
    n = -1;
    auto r = std::from_chars(bits.data(), bits.data() + bits.size(), n);
    if (r.ec != std::errc() || r.ptr != bits.data() + bits.size()) return false;
    if (n < 0 || n > (ip.is_v4 ? 32 : 128)) return false;
  }
  Net net{ip, ip.is_v4 ? n + 96 : n};
  for (int k = 0; k < 16; ++k) {
    const int keep = std::min(8, std::max(0, net.prefix - k * 8));
    net.base.bytes[static_cast<size_t>(k)] &= static_cast<uint8_t>(0xFF00 >> keep);
  }
  nets_.push_back(net);
  text_.emplace_back(cidr);
  return true;
}

bool CidrSet::contains_ip(const IpAddress& ip) const {
  for (const Net& n : nets_) {
    // IPv4 is stored v4-mapped, so comparing bytes is ES's mixed-family rule.
    if (!mixed_families_ && n.base.is_v4 != ip.is_v4) continue;
    bool ok = true;
    for (int k = 0; k < 16 && ok; ++k) {
      const int keep = std::min(8, std::max(0, n.prefix - k * 8));
      const auto mask = static_cast<uint8_t>(0xFF00 >> keep);
      ok = (ip.bytes[static_cast<size_t>(k)] & mask) == n.base.bytes[static_cast<size_t>(k)];
    }
    if (ok) return true;
  }
  return false;
}

bool CidrSet::contains(const Value& v) const {
  if (v.kind == ValueKind::kIp) return contains_ip(*v.ip);
  if (v.kind == ValueKind::kString) {
    IpAddress ip;
    return IpAddress::parse(v.s, ip) && contains_ip(ip);
  }
  if (v.kind == ValueKind::kStringList) {
    for (uint32_t k = 0; k < v.list_count; ++k) {
      IpAddress ip;
      if (IpAddress::parse(v.item(k), ip) && contains_ip(ip)) return true;
    }
  }
  return false;
}

std::string CidrSet::describe() const {
  std::string out = "cidr [";
  for (size_t k = 0; k < text_.size(); ++k) {
    if (k) out += ", ";
    out += text_[k];
  }
  return out + "]";
}

}  // namespace wsn::match
