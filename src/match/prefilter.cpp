#include "match/prefilter.h"

#include <algorithm>
#include <deque>
#include <stdexcept>

#include "match/functions.h"
#include "wsn/schema.h"

namespace wsn::match {

namespace {

// The field a test reads, when it is a field of the current event.
FieldId subject_field(const Program& p, NodeRef n) {
  const Node& subject = p.node(n);
  if (subject.op != Op::kField || subject.event_index != 0) return kInvalidField;
  return subject.field;
}

// startsWith / endsWith / stringContains (field, "literal"): true only when the field's string
// (or one item of its list) contains the literal.
std::optional<Requirement> call_requirement(const Program& p, NodeRef n) {
  const Node& node = p.node(n);
  const auto fn = static_cast<FunctionId>(node.sub);
  if (node.count != 2 || (fn != FunctionId::kStartsWith && fn != FunctionId::kEndsWith &&
                          fn != FunctionId::kStringContains)) {
    return std::nullopt;
  }
  Requirement r;
  r.field = subject_field(p, p.kid(n, 0));
  const NodeRef lit = p.kid(n, 1);
  if (r.field == kInvalidField || !p.is_const(lit)) return std::nullopt;
  const Value& v = p.const_value(lit);
  if (v.kind != ValueKind::kString || v.s.empty()) return std::nullopt;
  r.literals.push_back(fold_copy(v.s));
  r.anchors.push_back(fn == FunctionId::kStartsWith ? LiteralAnchor::kPrefix
                      : fn == FunctionId::kEndsWith ? LiteralAnchor::kSuffix
                                                    : LiteralAnchor::kAnywhere);
  return r;
}

// The anchor of the literal required by one wildcard pattern: "*lit" must end with it, "lit*"
// start with it (when `lit` is the whole rest of the pattern, free of wildcards).
LiteralAnchor wildcard_anchor(std::string_view pattern, bool question_mark,
                              std::string_view literal) {
  if (!has_wildcard(pattern, question_mark)) {
    return fold_copy(pattern) == literal ? LiteralAnchor::kWhole : LiteralAnchor::kAnywhere;
  }
  if (pattern.size() < 2) return LiteralAnchor::kAnywhere;
  const bool lead = pattern.front() == '*';
  const bool trail = pattern.back() == '*';
  if (lead == trail) return LiteralAnchor::kAnywhere;
  const std::string_view rest = lead ? pattern.substr(1) : pattern.substr(0, pattern.size() - 1);
  if (has_wildcard(rest, question_mark) || fold_copy(rest) != literal) {
    return LiteralAnchor::kAnywhere;
  }
  return lead ? LiteralAnchor::kSuffix : LiteralAnchor::kPrefix;
}

// Anchors of the literals StringMatcher::required_literals gave (one per pattern for the kinds
// that have anchors).
void matcher_anchors(const StringMatcher& m, Requirement& r) {
  const StringMatcherSpec& spec = m.spec();
  r.anchors.assign(r.literals.size(), LiteralAnchor::kAnywhere);
  if (spec.patterns.size() != r.literals.size()) return;
  for (size_t k = 0; k < spec.patterns.size(); ++k) {
    switch (spec.kind) {
      case StrMatchKind::kWildcard:
        r.anchors[k] = wildcard_anchor(spec.patterns[k], spec.question_mark, r.literals[k]);
        break;
      case StrMatchKind::kStarts:
        r.anchors[k] = LiteralAnchor::kPrefix;
        break;
      case StrMatchKind::kEnds:
        r.anchors[k] = LiteralAnchor::kSuffix;
        break;
      default:
        break;
    }
  }
}

std::optional<Requirement> literal_requirement(const Program& p, NodeRef n) {
  if (p.node(n).op == Op::kToBool) n = p.kid(n, 0);
  const Node& node = p.node(n);
  if (node.op == Op::kCall) return call_requirement(p, n);
  if (node.op == Op::kStrMatch || node.op == Op::kInSet) {
    Requirement r;
    r.field = subject_field(p, p.kid(n, 0));
    if (r.field == kInvalidField) return std::nullopt;
    const bool ok = node.op == Op::kStrMatch ? p.matcher(node.aux).required_literals(r.literals)
                                             : p.set(node.aux).required_literals(r.literals);
    if (!ok || r.literals.empty()) return std::nullopt;
    if (node.op == Op::kStrMatch) matcher_anchors(p.matcher(node.aux), r);
    return r;
  }
  return std::nullopt;
}

// Equality tests: exact string matches, string or integer sets, `field == constant`.
std::optional<Requirement> equality_requirement(const Program& p, NodeRef n) {
  const Node& node = p.node(n);
  Requirement r;
  if (node.op == Op::kStrMatch) {
    const StringMatcherSpec& spec = p.matcher(node.aux).spec();
    r.field = subject_field(p, p.kid(n, 0));
    if (r.field == kInvalidField || spec.kind != StrMatchKind::kExact || spec.patterns.empty()) {
      return std::nullopt;
    }
    r.kind = RequirementKind::kExact;
    for (const std::string& s : spec.patterns) r.literals.push_back(fold_copy(s));
    return r;
  }
  if (node.op == Op::kInSet) {
    r.field = subject_field(p, p.kid(n, 0));
    if (r.field == kInvalidField) return std::nullopt;
    const ValueSet& set = p.set(node.aux);
    std::vector<std::string> strings;
    if (set.string_members(strings)) {
      r.kind = RequirementKind::kExact;
      for (const std::string& s : strings) r.literals.push_back(fold_copy(s));
      return r;
    }
    if (set.int_members(r.ints)) {
      r.kind = RequirementKind::kInt;
      return r;
    }
    return std::nullopt;
  }
  if (node.op == Op::kCompare && static_cast<CmpOp>(node.sub) == CmpOp::kEq) {
    NodeRef f = p.kid(n, 0);
    NodeRef c = p.kid(n, 1);
    if (!p.is_const(c)) std::swap(f, c);
    if (!p.is_const(c)) return std::nullopt;
    r.field = subject_field(p, f);
    if (r.field == kInvalidField) return std::nullopt;
    const Value& v = p.const_value(c);
    if (v.kind == ValueKind::kInt) {
      r.kind = RequirementKind::kInt;
      r.ints.push_back(v.i);
      return r;
    }
    if (v.kind == ValueKind::kString) {
      r.kind = RequirementKind::kExact;
      r.literals.push_back(fold_copy(v.s));
      return r;
    }
  }
  return std::nullopt;
}

std::optional<Requirement> leaf_requirement(const Program& p, NodeRef n, bool equality) {
  return equality ? equality_requirement(p, n) : literal_requirement(p, n);
}

// A requirement of one conjunct, either equality-based or literal-based.
std::optional<Requirement> conjunct_requirement(const Program& p, NodeRef n, bool equality) {
  if (p.node(n).op != Op::kOr) return leaf_requirement(p, n, equality);
  Requirement all;
  bool first = true;
  for (NodeRef k : p.kids(n)) {
    auto r = leaf_requirement(p, k, equality);
    if (!r) return std::nullopt;
    if (!first && (all.field != r->field || all.kind != r->kind)) return std::nullopt;
    first = false;
    all.field = r->field;
    all.kind = r->kind;
    r->anchors.resize(r->literals.size(), LiteralAnchor::kAnywhere);
    all.anchors.resize(all.literals.size(), LiteralAnchor::kAnywhere);
    all.literals.insert(all.literals.end(), r->literals.begin(), r->literals.end());
    all.anchors.insert(all.anchors.end(), r->anchors.begin(), r->anchors.end());
    all.ints.insert(all.ints.end(), r->ints.begin(), r->ints.end());
  }
  if (first) return std::nullopt;
  return all;
}

size_t shortest(const Requirement& r) {
  size_t m = SIZE_MAX;
  for (const std::string& l : r.literals) m = std::min(m, l.size());
  return m;
}

// Fields that are (about) the same on every event of a host: `host.os.type == "linux"` begins
// every Elastic Linux rule and holds on every event of a Linux host, so it must not be a
// discriminator while any other conjunct offers one.
bool host_constant_field(FieldId field) {
  static const std::vector<FieldId> ids = [] {
    const FieldRegistry reg;
    std::vector<FieldId> v;
    for (const char* name :
         {"host.os.type", "host.os.family", "host.os.platform", "host.os.name"}) {
      const FieldId id = reg.find(name);
      if (id != kInvalidField) v.push_back(id);
    }
    return v;
  }();
  return std::find(ids.begin(), ids.end(), field) != ids.end();
}

// 0: constant on a host, 1: an ECS enumeration field, 2: selective.
size_t field_tier(FieldId field) {
  if (host_constant_field(field)) return 0;
  return is_low_cardinality_field(field) ? 1 : 2;
}

constexpr size_t kStrongLiteral = 8;
constexpr size_t kStrongAnchoredLiteral = 5;

// Higher is more selective.
size_t score(const Requirement& r) {
  // Among enumeration fields, event.action ("load_module", "connected-to") says more than
  // event.type ("start").
  const size_t s = field_tier(r.field) * 1000000 + (r.field == fields::kEventAction ? 200000 : 0);
  if (r.kind == RequirementKind::kLiteral) {
    // A long literal ("vm.swappiness", "cdll.LoadLibrary") is rarer than an equality with a
    // list of names a host runs all the time (`process.name in ("bash", "sh", ...)`, which
    // Elastic's rules pair with such literals): it outranks equality. So does an anchored
    // literal of 5 bytes or more (`process.parent.name : "python*"`). Shorter ones rank below.
    const size_t len = std::min<size_t>(shortest(r), 49999);
    const bool anchored = r.anchors.size() >= r.literals.size() &&
                          std::none_of(r.anchors.begin(), r.anchors.end(), [](LiteralAnchor a) {
                            return a == LiteralAnchor::kAnywhere;
                          });
    if (len >= kStrongLiteral || (anchored && len >= kStrongAnchoredLiteral)) {
      return s + 150000 + len;
    }
    return s + len;
  }
  return s + 100000;
}

// A set of alternatives is as selective as its weakest alternative.
size_t score(const RequirementAlternatives& a) {
  size_t m = SIZE_MAX;
  for (const Requirement& r : a) m = std::min(m, score(r));
  return a.empty() ? 0 : m;
}

bool selective(const RequirementAlternatives& a) {
  return score(a) >= 2000000;
}

// More alternatives than this make a requirement that most events meet somewhere.
constexpr size_t kMaxAlternatives = 64;

// What `n` requires of the event when it holds: a conjunction requires what its most selective
// conjunct requires, a disjunction one of what its branches require (every branch must require
// something), a plain test on a field its requirement (equality preferred to literal when they
// score the same).
std::optional<RequirementAlternatives> node_alternatives(const Program& p, NodeRef n, int depth) {
  if (depth > 16) return std::nullopt;
  const Node& node = p.node(n);
  if (node.op == Op::kAnd) {
    std::optional<RequirementAlternatives> best;
    for (NodeRef k : p.kids(n)) {
      auto a = node_alternatives(p, k, depth + 1);
      if (a && (!best || score(*a) > score(*best))) best = std::move(a);
    }
    return best;
  }
  if (node.op == Op::kOr) {
    RequirementAlternatives all;
    for (NodeRef k : p.kids(n)) {
      auto a = node_alternatives(p, k, depth + 1);
      if (!a) return std::nullopt;
      for (Requirement& r : *a) all.push_back(std::move(r));
      if (all.size() > kMaxAlternatives) return std::nullopt;
    }
    if (all.empty()) return std::nullopt;
    return all;
  }
  std::optional<Requirement> best;
  for (bool equality : {true, false}) {
    auto r = leaf_requirement(p, n, equality);
    if (r && (!best || score(*r) > score(*best))) best = std::move(r);
  }
  if (!best && node.op == Op::kStrMatch &&
      p.matcher(node.aux).spec().kind == StrMatchKind::kRegex) {
    // A regex of digits and separators (`[0-9]{1,3}\.[0-9]{1,3}:...`) has no literal of 3
    // bytes; a single byte it needs (":") still rules out most values.
    Requirement r;
    r.field = subject_field(p, p.kid(n, 0));
    if (r.field != kInvalidField && p.matcher(node.aux).required_literals(r.literals, 1) &&
        !r.literals.empty()) {
      best = std::move(r);
    }
  }
  if (!best) return std::nullopt;
  best->anchors.resize(best->literals.size(), LiteralAnchor::kAnywhere);
  RequirementAlternatives one;
  one.push_back(std::move(*best));
  return one;
}

}  // namespace

bool is_host_constant_field(FieldId field) {
  return host_constant_field(field);
}

bool is_low_cardinality_field(FieldId field) {
  switch (field) {
    case fields::kEventKind:
    case fields::kEventCategory:
    case fields::kEventType:
    case fields::kEventAction:
    case fields::kEventOutcome:
    case fields::kNetworkTransport:
    case fields::kNetworkDirection:
    case fields::kNetworkType:
      return true;
    default:
      return false;
  }
}

std::optional<Requirement> extract_requirement(const Program& p, NodeRef where) {
  if (where == kNoNode) return std::nullopt;
  std::vector<NodeRef> conjuncts;
  if (p.node(where).op == Op::kAnd) {
    for (NodeRef k : p.kids(where)) conjuncts.push_back(k);
  } else {
    conjuncts.push_back(where);
  }
  std::optional<Requirement> best;
  for (NodeRef c : conjuncts) {
    for (bool equality : {true, false}) {
      auto r = conjunct_requirement(p, c, equality);
      if (r && (!best || score(*r) > score(*best))) best = std::move(r);
    }
  }
  return best;
}

std::vector<Requirement> extract_requirements(const Program& p, NodeRef where, size_t max_count) {
  std::vector<Requirement> out;
  if (where == kNoNode || max_count == 0) return out;
  std::vector<NodeRef> conjuncts;
  if (p.node(where).op == Op::kAnd) {
    for (NodeRef k : p.kids(where)) conjuncts.push_back(k);
  } else {
    conjuncts.push_back(where);
  }
  for (NodeRef c : conjuncts) {
    std::optional<Requirement> best;
    for (bool equality : {true, false}) {
      auto r = conjunct_requirement(p, c, equality);
      if (r && (!best || score(*r) > score(*best))) best = std::move(r);
    }
    if (best && field_tier(best->field) == 2) out.push_back(std::move(*best));
  }
  if (out.empty()) {
    if (auto r = extract_requirement(p, where)) out.push_back(std::move(*r));
    return out;
  }
  // Most selective first, conjunct order among equals (insertion sort: a handful of items).
  for (size_t k = 1; k < out.size(); ++k) {
    for (size_t j = k; j > 0 && score(out[j]) > score(out[j - 1]); --j)
      std::swap(out[j], out[j - 1]);
  }
  if (out.size() > max_count) out.resize(max_count);
  return out;
}

std::vector<RequirementAlternatives> extract_requirement_sets(const Program& p, NodeRef where,
                                                              size_t max_count) {
  std::vector<RequirementAlternatives> out;
  if (where == kNoNode || max_count == 0) return out;
  std::vector<NodeRef> conjuncts;
  if (p.node(where).op == Op::kAnd) {
    for (NodeRef k : p.kids(where)) conjuncts.push_back(k);
  } else {
    conjuncts.push_back(where);
  }
  for (NodeRef c : conjuncts) {
    auto a = node_alternatives(p, c, 0);
    if (a && selective(*a)) out.push_back(std::move(*a));
  }
  if (out.empty()) {
    if (auto a = node_alternatives(p, where, 0)) out.push_back(std::move(*a));
    return out;
  }
  for (size_t k = 1; k < out.size(); ++k) {
    for (size_t j = k; j > 0 && score(out[j]) > score(out[j - 1]); --j)
      std::swap(out[j], out[j - 1]);
  }
  if (out.size() > max_count) out.resize(max_count);
  return out;
}

uint32_t AhoCorasick::add(std::string_view folded_pattern) {
  for (size_t k = 0; k < patterns_.size(); ++k) {
    if (patterns_[k] == folded_pattern) return static_cast<uint32_t>(k);
  }
  patterns_.emplace_back(folded_pattern);
  return static_cast<uint32_t>(patterns_.size() - 1);
}

void AhoCorasick::build() {
  // Alphabet: one class per byte value used by a pattern, class 0 for all others.
  std::vector<uint8_t> used(256, 0);
  for (const std::string& p : patterns_) {
    for (char c : p) used[static_cast<unsigned char>(c)] = 1;
  }
  std::vector<uint8_t> class_of(256, 0);
  classes_ = 1;
  for (int b = 0; b < 256; ++b) {
    if (used[static_cast<size_t>(b)])
      class_of[static_cast<size_t>(b)] = static_cast<uint8_t>(classes_++);
  }
  for (int b = 0; b < 256; ++b) {
    const auto folded = static_cast<unsigned char>(fold_char(static_cast<char>(b)));
    cls_[static_cast<size_t>(b)] = class_of[folded];
  }
  // Trie.
  std::vector<uint32_t> go(classes_, kNone);
  std::vector<std::vector<uint32_t>> own(1);
  for (size_t pid = 0; pid < patterns_.size(); ++pid) {
    uint32_t s = 0;
    for (char c : patterns_[pid]) {
      const uint32_t cl = class_of[static_cast<unsigned char>(c)];
      uint32_t& next = go[static_cast<size_t>(s) * classes_ + cl];
      if (next == kNone) {
        next = static_cast<uint32_t>(own.size());
        own.emplace_back();
        go.resize(go.size() + classes_, kNone);
      }
      s = go[static_cast<size_t>(s) * classes_ + cl];
    }
    own[s].push_back(static_cast<uint32_t>(pid));
  }
  const size_t states = own.size();
  // Rows must fit in 31 bits: 2^31 transitions would be 8 GiB of literals' automaton.
  if (states * classes_ >= kHasOutput) throw std::length_error("prefilter automaton too large");
  std::vector<uint32_t> delta(states * classes_, 0);
  out_.assign(states, kNone);
  std::vector<uint32_t> fail(states, 0);
  std::deque<uint32_t> queue;
  auto emit_outputs = [&](uint32_t s) {
    uint32_t link = s == 0 ? kNone : out_[fail[s]];
    for (auto it = own[s].rbegin(); it != own[s].rend(); ++it) {
      out_pattern_.push_back(*it);
      out_link_.push_back(link);
      link = static_cast<uint32_t>(out_pattern_.size() - 1);
    }
    out_[s] = link;
  };
  emit_outputs(0);
  for (uint32_t c = 0; c < classes_; ++c) {
    const uint32_t u = go[c];
    if (u != kNone) {
      delta[c] = u;
      fail[u] = 0;
      queue.push_back(u);
    }
  }
  while (!queue.empty()) {
    const uint32_t s = queue.front();
    queue.pop_front();
    emit_outputs(s);
    for (uint32_t c = 0; c < classes_; ++c) {
      const uint32_t u = go[static_cast<size_t>(s) * classes_ + c];
      const uint32_t via_fail = delta[static_cast<size_t>(fail[s]) * classes_ + c];
      if (u != kNone) {
        fail[u] = via_fail;
        delta[static_cast<size_t>(s) * classes_ + c] = u;
        queue.push_back(u);
      } else {
        delta[static_cast<size_t>(s) * classes_ + c] = via_fail;
      }
    }
  }
  next_.clear();
  next16_.clear();
  if (states < kHasOutput16) {
    next16_.resize(delta.size());
    for (size_t k = 0; k < delta.size(); ++k) {
      const uint32_t target = delta[k];
      next16_[k] = static_cast<uint16_t>(target | (out_[target] != kNone ? kHasOutput16 : 0));
    }
    return;
  }
  next_.resize(delta.size());
  for (size_t k = 0; k < delta.size(); ++k) {
    const uint32_t target = delta[k];
    next_[k] = target * classes_ | (out_[target] != kNone ? kHasOutput : 0);
  }
}

}  // namespace wsn::match
