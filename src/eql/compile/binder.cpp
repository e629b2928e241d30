#include "eql/compile/binder.h"

#include "common/did_you_mean.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "eql/compile/codes.h"
#include "event/timestamp.h"
#include "match/strings.h"

namespace wsn::eql {

using match::CaseMode;
using match::kNoNode;
using match::NodeRef;
using match::StaticType;
using match::Value;

namespace {

// " (did you mean 'length'?)" for a misspelled function name, else "".
std::string function_hint(const std::string& name) {
  const std::vector<std::string_view> names = match::function_names();
  const std::string near = closest_name(name, names);
  return near.empty() ? "" : " (did you mean '" + near + "'?)";
}

}  // namespace

namespace {

bool numeric(StaticType t) {
  return t == StaticType::kInt || t == StaticType::kFloat;
}
bool known(StaticType t) {
  return t != StaticType::kAny && t != StaticType::kNull;
}
bool stringish(StaticType t) {
  return t == StaticType::kString || t == StaticType::kStringList;
}

// Whether values of the two static types can be compared at all.
bool comparable(StaticType a, StaticType b) {
  if (!known(a) || !known(b)) return true;
  if (numeric(a) && numeric(b)) return true;
  if (stringish(a) && stringish(b)) return true;
  if ((a == StaticType::kIp && (b == StaticType::kIp || stringish(b))) ||
      (b == StaticType::kIp && stringish(a))) {
    return true;
  }
  return a == b;
}

match::CmpOp cmp_of(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return match::CmpOp::kEq;
    case CompareOp::kNe:
      return match::CmpOp::kNe;
    case CompareOp::kLt:
      return match::CmpOp::kLt;
    case CompareOp::kLe:
      return match::CmpOp::kLe;
    case CompareOp::kGt:
      return match::CmpOp::kGt;
    case CompareOp::kGe:
      return match::CmpOp::kGe;
  }
  return match::CmpOp::kEq;
}

match::ArithOp arith_of(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd:
      return match::ArithOp::kAdd;
    case ArithOp::kSub:
      return match::ArithOp::kSub;
    case ArithOp::kMul:
      return match::ArithOp::kMul;
    case ArithOp::kDiv:
      return match::ArithOp::kDiv;
    case ArithOp::kMod:
      return match::ArithOp::kMod;
  }
  return match::ArithOp::kAdd;
}

}  // namespace

LineageOptions LineageOptions::ecs() {
  LineageOptions o;
  o.pid_field = "process.entity_id";
  o.ppid_field = "process.parent.entity_id";
  o.op_field = "event.type";
  o.create_names = {"start"};
  o.terminate_names = {"end"};
  return o;
}

LineageOptions LineageOptions::endgame() {
  LineageOptions o;
  o.pid_field = "pid";
  o.ppid_field = "ppid";
  o.op_field = "opcode";
  o.create_codes = {1, 3, 9};
  o.terminate_codes = {2, 4};
  return o;
}

Binder::Binder(FieldRegistry& reg, const CompileOptions& opt, match::Program& prog,
               Diagnostics& diags)
    : reg_(reg), opt_(opt), prog_(prog), diags_(diags) {
  default_mode_ = (opt.dialect == Dialect::kEndgame && !opt.case_sensitive) ? CaseMode::kInsensitive
                                                                            : CaseMode::kSensitive;
}

void Binder::error(const char* code, std::string message, SourceRange range) {
  diags_.error(code, std::move(message), range);
}

CaseMode Binder::mode_for(bool tilde) const {
  if (opt_.dialect == Dialect::kEndgame) return tilde ? CaseMode::kInsensitive : default_mode_;
  return tilde ? CaseMode::kInsensitive : CaseMode::kSensitive;
}

bool Binder::type_problem(const Expr* at, NodeRef n, const std::string& message) {
  if (strict() || prog_.is_const(n)) {
    error(code::kTypeMismatch, message, at->range);
    return false;
  }
  diags_.warning(code::kDynamicTypeMismatch, message + " (evaluates to null)", at->range);
  return true;
}

NodeRef Binder::predicate(const Expr* e) {
  const NodeRef x = expr(e);
  if (x == kNoNode) return kNoNode;
  const StaticType t = type(x);
  if (t == StaticType::kBool || t == StaticType::kNull) return x;
  if (strict() && t != StaticType::kAny) {
    error(code::kNotBoolean,
          "expected a boolean condition, found " + std::string(match::static_type_name(t)),
          e->range);
    return kNoNode;
  }
  return prog_.to_bool(x);
}

NodeRef Binder::expr(const Expr* e) {
  if (e == nullptr) return kNoNode;
  switch (e->kind) {
    case ExprKind::kNull:
      return prog_.null_node();
    case ExprKind::kBool:
      return prog_.bool_node(e->b);
    case ExprKind::kInt:
      return prog_.int_node(e->i);
    case ExprKind::kFloat:
      return prog_.float_node(e->f);
    case ExprKind::kString:
      return prog_.string_node(e->s);
    case ExprKind::kField:
      return field(e);
    case ExprKind::kNot: {
      if (opt_.dialect == Dialect::kElastic) return elastic_not(e->lhs);
      const NodeRef x = predicate(e->lhs);
      return x == kNoNode ? kNoNode : prog_.not_(x);
    }
    case ExprKind::kNegate: {
      const NodeRef x = expr(e->lhs);
      if (x == kNoNode) return kNoNode;
      if (known(type(x)) && !numeric(type(x)) &&
          !type_problem(e, x, "cannot negate a " + std::string(match::static_type_name(type(x))))) {
        return kNoNode;
      }
      return prog_.neg(x);
    }
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      std::vector<NodeRef> kids;
      bool bad = false;
      for (const Expr* a : e->args) {
        const NodeRef k = predicate(a);
        bad |= k == kNoNode;
        kids.push_back(k);
      }
      if (bad) return kNoNode;
      return e->kind == ExprKind::kAnd ? prog_.and_(kids) : prog_.or_(kids);
    }
    case ExprKind::kCompare:
      return compare(e);
    case ExprKind::kArithmetic:
      return arith(e);
    case ExprKind::kIn:
      return in(e);
    case ExprKind::kStringMatch:
      return string_match(e);
    case ExprKind::kCall:
      return call(e);
    case ExprKind::kLineage:
      return lineage(e);
  }
  return kNoNode;
}

NodeRef Binder::field(const Expr* e) {
  const auto& path = e->path;
  if (path.empty()) {
    error(code::kUnsupportedPath, "empty field path", e->range);
    return kNoNode;
  }
  size_t at = 0;
  uint16_t event_index = 0;
  // A variable bound by arraySearch / arrayCount.
  std::string var_prefix;
  for (size_t v = scope_.size(); v-- > 0;) {
    if (path[0].name.empty() || path[0].name != scope_[v].name) continue;
    const ScopeVar& sv = scope_[v];
    if (sv.object_prefix.empty()) {
      if (path.size() > 1) {
        error(code::kUnsupportedPath,
              "array elements are strings here; '" + sv.name + "' has no fields or items",
              e->range);
        return kNoNode;
      }
      return prog_.var(static_cast<uint32_t>(v), StaticType::kString);
    }
    std::string sub;
    for (size_t k = 1; k < path.size(); ++k) {
      if (path[k].name.empty()) {
        error(code::kUnsupportedPath, "indexes into array elements are not supported",
              path[k].range);
        return kNoNode;
      }
      sub += (sub.empty() ? "" : ".") + path[k].name;
    }
    if (sub.empty()) {
      error(code::kUnsupportedPath, "an array element is an object; name one of its fields",
            e->range);
      return kNoNode;
    }
    if (sub == sv.iter) return prog_.var(static_cast<uint32_t>(v), StaticType::kString);
    var_prefix = sv.object_prefix + "." + sub;
    break;
  }
  if (var_prefix.empty() && path.size() >= 2 && !path[0].name.empty() && !path[1].name.empty() &&
      all_aliases_ != nullptr &&
      std::find(all_aliases_->begin(), all_aliases_->end(), path[0].name) != all_aliases_->end()) {
    auto it = std::find_if(aliases_.begin(), aliases_.end(),
                           [&](const auto& a) { return a.first == path[0].name; });
    if (it == aliases_.end()) {
      error(code::kStepAlias,
            "'" + path[0].name +
                "' names a step that is not before this one: an alias is read by the later "
                "(not missing-event, not until) steps of its sequence",
            path[0].range);
      return kNoNode;
    }
    event_index = it->second;
    at = 1;
    alias_used_ = true;
  }
  if (aggregates_ && path.size() == 1 && (path[0].name == "count" || path[0].name == "percent")) {
    return prog_.pipe_var(path[0].name == "count" ? match::PipeVar::kCount
                                                  : match::PipeVar::kPercent);
  }
  if (multi_event_ && path.size() >= 3 && path[0].name == "events" && path[1].index >= 0 &&
      !path[2].name.empty()) {
    if (path[1].index > 0xFFFF) {
      error(code::kUnsupportedPath, "event index out of range", path[1].range);
      return kNoNode;
    }
    event_index = static_cast<uint16_t>(path[1].index);
    at = 2;
  }
  std::string name = var_prefix;
  size_t k = var_prefix.empty() ? at : path.size();
  for (; k < path.size() && !path[k].name.empty(); ++k) {
    if (!name.empty()) name += '.';
    name += path[k].name;
  }
  std::vector<int64_t> indexes;
  for (; k < path.size(); ++k) {
    if (!path[k].name.empty()) {
      error(code::kUnsupportedPath,
            "a field inside an array element ('" + path[k].name +
                "' after an index) is not supported; events hold flat fields",
            path[k].range);
      return kNoNode;
    }
    indexes.push_back(path[k].index);
  }
  if (name.empty()) {
    error(code::kUnsupportedPath, "a field path must start with a name", e->range);
    return kNoNode;
  }
  FieldId id = reg_.find(name);
  StaticType t = StaticType::kAny;
  if (id == kInvalidField && indexes.empty()) {
    // An object (only its leaves are fields): it is present when any leaf is.
    const auto kids = object_children(name, 64);
    if (!kids.empty()) {
      std::vector<NodeRef> present;
      for (FieldId kid : kids) {
        present.push_back(prog_.is_null(prog_.field(kid, match::static_type_of(reg_.type(kid))),
                                        /*negate=*/true));
      }
      return prog_.or_(present);
    }
  }
  if (id == kInvalidField) {
    id = reg_.intern(name, FieldType::kString);
    if (id == kInvalidField) {
      error(code::kTooManyFields, "cannot register field '" + name + "': the field table is full",
            e->range);
      return kNoNode;
    }
    if (!e->optional && opt_.warn_unknown_fields) {
      // A near built-in name is most likely a typo (process.nmae → process.name).
      std::vector<std::string_view> builtin;
      builtin.reserve(fields::kBuiltinCount);
      for (FieldId f = 0; f < fields::kBuiltinCount; ++f) builtin.push_back(reg_.info(f).name);
      const std::string near = closest_name(name, builtin);
      diags_.warning(code::kUnknownField,
                     "unknown field '" + name + "'" +
                         (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                         "; it is treated as a string that is null "
                         "when absent (write '?" +
                         name + "' to mark it optional)",
                     e->range);
    }
    // Endgame fields are untyped; in Elastic an unknown field is a string.
    t = opt_.dialect == Dialect::kEndgame ? StaticType::kAny : StaticType::kString;
  } else {
    t = match::static_type_of(reg_.type(id));
  }
  NodeRef r = prog_.field(id, t, event_index);
  for (int64_t ix : indexes) {
    if (ix < 0 || ix > 0xFFFFFFF) {
      error(code::kUnsupportedPath, "array index out of range", e->range);
      return kNoNode;
    }
    r = prog_.index(r, static_cast<uint32_t>(ix));
  }
  return r;
}

namespace {

// The field a leaf tests when Elasticsearch translates it to a query (term, terms, range,
// wildcard, regexp, prefix, exists) [XT][QT]; nullptr when it becomes a painless script
// (functions other than the translatable ones, arithmetic, field-vs-field), which
// nullSafeFilter makes false on null, negated or not.
const Expr* query_subject(const Expr* e) {
  switch (e->kind) {
    case ExprKind::kField:
      return e;
    case ExprKind::kCompare:
      if (e->lhs->kind == ExprKind::kField && e->rhs->is_literal()) return e->lhs;
      if (e->rhs->kind == ExprKind::kField && e->lhs->is_literal()) return e->rhs;
      return nullptr;
    case ExprKind::kIn:
    case ExprKind::kStringMatch:
      return e->lhs->kind == ExprKind::kField ? e->lhs : nullptr;
    case ExprKind::kCall: {
      // startsWith → prefix, endsWith / stringContains → wildcard (8.x), cidrMatch → terms.
      std::string f = e->s;
      for (char& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const bool two_lits = e->args.size() == 2 && e->args[1]->kind == ExprKind::kString;
      const bool known =
          ((f == "startswith" || f == "endswith" || f == "stringcontains") && two_lits) ||
          f == "cidrmatch";
      return known && !e->args.empty() && e->args[0]->kind == ExprKind::kField ? e->args[0]
                                                                               : nullptr;
    }
    default:
      return nullptr;
  }
}

// An Elasticsearch date literal as the `strict_date_optional_time||epoch_millis` mapping reads
// it: [lo, hi) holds every instant the literal names at its precision (`2023-01-01` a day,
// `…T10:00:00Z` a second, `1516116808349` a millisecond), so that `==` is the inclusive range
// [v rounded down, v rounded up] of DateFieldMapper.termQuery [DFM]. No zone means UTC.
bool es_date_range(std::string_view text, int64_t& lo, int64_t& hi) {
  auto all_digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  {
    std::string_view d = text;
    const bool neg = !d.empty() && d[0] == '-';
    if (neg) d.remove_prefix(1);
    if (all_digits(d) && d.size() != 4) {  // epoch milliseconds (a bare 4-digit year is a year)
      int64_t ms = 0;
      const auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), ms);
      if (ec != std::errc() || p != d.data() + d.size() || ms > INT64_MAX / 1000000 - 1) {
        return false;
      }
      lo = (neg ? -ms : ms) * 1000000;
      hi = lo + 1000000;
      return true;
    }
  }
  // Split off the zone: 'Z' or ±hh:mm after the time.
  std::string zone = "Z";
  std::string_view body = text;
  const size_t t = body.find_first_of("Tt");
  if (t != std::string_view::npos) {
    const size_t z = body.find_first_of("Zz+-", t);
    if (z != std::string_view::npos) {
      zone = std::string(body.substr(z));
      body = body.substr(0, z);
    }
  }
  const std::string_view date = body.substr(0, t);
  const std::string_view time =
      t == std::string_view::npos ? std::string_view() : body.substr(t + 1);
  // Fields present: 1 year … 6 seconds, 7 a fraction.
  int level = 0;
  std::string full;
  const size_t dl = date.size();
  if (dl == 4 && all_digits(date)) {
    level = 1;
    full = std::string(date) + "-01-01";
  } else if (dl == 7 && date[4] == '-' && all_digits(date.substr(0, 4)) &&
             all_digits(date.substr(5))) {
    level = 2;
    full = std::string(date) + "-01";
  } else if (dl == 10 && date[4] == '-' && date[7] == '-') {
    level = 3;
    full = std::string(date);
  } else {
    return false;
  }
  if (t != std::string_view::npos && level < 3) return false;
  std::string clock = "00:00:00";
  int frac_digits = 0;
  if (t != std::string_view::npos) {
    const size_t n = time.size();
    if (n == 2) {
      level = 4;
      clock = std::string(time) + ":00:00";
    } else if (n == 5 && time[2] == ':') {
      level = 5;
      clock = std::string(time) + ":00";
    } else if (n >= 8 && time[2] == ':' && time[5] == ':') {
      level = 6;
      clock = std::string(time);
      if (n > 8) {
        if (time[8] != '.' || !all_digits(time.substr(9))) return false;
        frac_digits = static_cast<int>(n - 9);
        level = 7;
      }
    } else {
      return false;
    }
  }
  if (parse_rfc3339(full + "T" + clock + zone, lo) != nullptr) return false;
  constexpr int64_t kSec = 1000000000;
  int64_t span = 0;
  switch (level) {
    case 1:
    case 2: {
      // A year or month: the next one's start (months have different lengths).
      int y = std::atoi(full.substr(0, 4).c_str());
      int m = std::atoi(full.substr(5, 2).c_str());
      if (level == 1) {
        ++y;
      } else if (++m == 13) {
        m = 1;
        ++y;
      }
      char next[32];
      std::snprintf(next, sizeof(next), "%04d-%02d-01T00:00:00", y, m);
      return parse_rfc3339(next + zone, hi) == nullptr;
    }
    case 3:
      span = 86400 * kSec;
      break;
    case 4:
      span = 3600 * kSec;
      break;
    case 5:
      span = 60 * kSec;
      break;
    case 6:
      span = kSec;
      break;
    default:
      span = 1;
      for (int k = frac_digits; k < 9; ++k) span *= 10;
      break;
  }
  return !__builtin_add_overflow(lo, span, &hi);
}

bool is_range(CompareOp op) {
  return op == CompareOp::kLt || op == CompareOp::kLe || op == CompareOp::kGt ||
         op == CompareOp::kGe;
}

match::CmpOp inverted(match::CmpOp op) {
  switch (op) {
    case match::CmpOp::kLt:
      return match::CmpOp::kGe;
    case match::CmpOp::kLe:
      return match::CmpOp::kGt;
    case match::CmpOp::kGt:
      return match::CmpOp::kLe;
    case match::CmpOp::kGe:
      return match::CmpOp::kLt;
    case match::CmpOp::kEq:
      return match::CmpOp::kNe;
    case match::CmpOp::kNe:
      return match::CmpOp::kEq;
  }
  return op;
}

}  // namespace

NodeRef Binder::negate(NodeRef x, const Expr* subject) {
  if (opt_.dialect == Dialect::kElastic && subject != nullptr) return prog_.must_not(x);
  return prog_.not_(x);
}

NodeRef Binder::elastic_not(const Expr* e) {
  if (e == nullptr) return kNoNode;
  // BooleanSimplification drops a double negation [OPT].
  if (e->kind == ExprKind::kNot) return predicate(e->lhs);
  // The optimizer folds `not f > x` into the range `f <= x` before translation [QF notFilter]:
  // an event without f does not match.
  if (e->kind == ExprKind::kCompare && is_range(e->cmp) && query_subject(e) != nullptr) {
    return compare(e, /*invert_range=*/true);
  }
  const NodeRef x = predicate(e);
  if (x == kNoNode) return kNoNode;
  // Boolean operators translate to bool queries, so their negation is a must_not too [XT Nots].
  const bool query =
      e->kind == ExprKind::kAnd || e->kind == ExprKind::kOr || query_subject(e) != nullptr;
  return query ? prog_.must_not(x) : prog_.not_(x);
}

NodeRef Binder::compare(const Expr* e, bool invert_range) {
  NodeRef a = expr(e->lhs);
  NodeRef b = expr(e->rhs);
  if (a == kNoNode || b == kNoNode) return kNoNode;
  const match::CmpOp op = invert_range ? inverted(cmp_of(e->cmp)) : cmp_of(e->cmp);
  const CaseMode mode = mode_for(e->case_insensitive);
  const bool eq_ne = op == match::CmpOp::kEq || op == match::CmpOp::kNe;
  const bool a_null = e->lhs->kind == ExprKind::kNull;
  const bool b_null = e->rhs->kind == ExprKind::kNull;
  // `x == null` / `x != null` test presence and never yield null.
  if (eq_ne && (a_null || b_null)) {
    return prog_.is_null(a_null ? b : a, op == match::CmpOp::kNe);
  }
  auto string_const = [&](NodeRef n) {
    return prog_.is_const(n) && prog_.const_value(n).kind == match::ValueKind::kString;
  };
  // Endgame: `field == "a*b"` is wildcard(field, "a*b").
  if (eq_ne && opt_.dialect == Dialect::kEndgame) {
    NodeRef subject = kNoNode;
    NodeRef pattern = kNoNode;
    if (string_const(b) && match::has_wildcard(prog_.const_value(b).s, false)) {
      subject = a;
      pattern = b;
    } else if (string_const(a) && match::has_wildcard(prog_.const_value(a).s, false)) {
      subject = b;
      pattern = a;
    }
    if (subject != kNoNode) {
      if (known(type(subject)) && !stringish(type(subject)) &&
          !type_problem(e, subject, "wildcard patterns only match strings")) {
        return kNoNode;
      }
      match::StringMatcherSpec spec;
      spec.kind = match::StrMatchKind::kWildcard;
      spec.patterns = {std::string(prog_.const_value(pattern).s)};
      spec.mode = mode;
      const NodeRef m = prog_.str_match(subject, match::StringMatcher::create(spec, nullptr));
      return op == match::CmpOp::kEq ? m : prog_.not_(m);
    }
  }
  // Elasticsearch: a date field against a date string or epoch-millisecond integer compares
  // with the literal's rounded range [DFM][TD].
  if (opt_.dialect == Dialect::kElastic) {
    auto date_field = [&](NodeRef n) {
      const match::Node& nd = prog_.node(n);
      return nd.op == match::Op::kField && nd.field != kInvalidField &&
             reg_.type(nd.field) == FieldType::kTimestamp;
    };
    const bool left = date_field(a) && e->rhs->is_literal();
    if (left || (date_field(b) && e->lhs->is_literal())) {
      const Expr* lit = left ? e->rhs : e->lhs;
      int64_t lo = 0, hi = 0;
      const bool ok = lit->kind == ExprKind::kString ? es_date_range(lit->s, lo, hi)
                      : lit->kind == ExprKind::kInt  ? es_date_range(std::to_string(lit->i), lo, hi)
                                                     : false;
      if (!ok) {
        error(code::kTypeMismatch,
              "'" + (lit->kind == ExprKind::kString ? lit->s : std::string("this value")) +
                  "' is not a date (ISO-8601 like 2023-01-31T10:00:00Z, or epoch milliseconds)",
              lit->range);
        return kNoNode;
      }
      const NodeRef f = left ? a : b;
      // The literal on the left mirrors the operator: `5 < f` is `f > 5`.
      match::CmpOp o = op;
      if (!left) {
        o = o == match::CmpOp::kLt   ? match::CmpOp::kGt
            : o == match::CmpOp::kLe ? match::CmpOp::kGe
            : o == match::CmpOp::kGt ? match::CmpOp::kLt
            : o == match::CmpOp::kGe ? match::CmpOp::kLe
                                     : o;
      }
      const NodeRef lo_n = prog_.int_node(lo);
      const NodeRef hi_n = prog_.int_node(hi);
      switch (o) {
        case match::CmpOp::kEq:
        case match::CmpOp::kNe: {
          const NodeRef in[] = {prog_.compare(match::CmpOp::kGe, mode, f, lo_n),
                                prog_.compare(match::CmpOp::kLt, mode, f, hi_n)};
          const NodeRef r = prog_.and_(in);
          return o == match::CmpOp::kEq ? r : prog_.must_not(r);
        }
        case match::CmpOp::kLt:  // below the rounded-down value
          return prog_.compare(match::CmpOp::kLt, mode, f, lo_n);
        case match::CmpOp::kGe:
          return prog_.compare(match::CmpOp::kGe, mode, f, lo_n);
        case match::CmpOp::kLe:  // up to the rounded-up value
          return prog_.compare(match::CmpOp::kLt, mode, f, hi_n);
        case match::CmpOp::kGt:
          return prog_.compare(match::CmpOp::kGe, mode, f, hi_n);
      }
    }
  }
  const StaticType ta = type(a);
  const StaticType tb = type(b);
  if (!comparable(ta, tb) &&
      !type_problem(e, !prog_.is_const(a) ? a : b,
                    "cannot compare " + std::string(match::static_type_name(ta)) + " with " +
                        std::string(match::static_type_name(tb)))) {
    return kNoNode;
  }
  // Address fields compare with addresses: parse string literals once.
  for (NodeRef* side : {&a, &b}) {
    NodeRef other = side == &a ? b : a;
    if (type(other) == StaticType::kIp && string_const(*side)) {
      IpAddress ip;
      if (!IpAddress::parse(prog_.const_value(*side).s, ip)) {
        error(code::kTypeMismatch,
              "'" + std::string(prog_.const_value(*side).s) + "' is not an IP address",
              (side == &a ? e->lhs : e->rhs)->range);
        return kNoNode;
      }
      *side = prog_.constant_node(Value::address(&ip));
    }
  }
  // A string field against a string literal is an exact-match matcher (prefilterable).
  if (eq_ne && (string_const(a) != string_const(b))) {
    const NodeRef lit = string_const(a) ? a : b;
    const NodeRef subject = lit == a ? b : a;
    if (type(subject) == StaticType::kString || type(subject) == StaticType::kStringList ||
        type(subject) == StaticType::kAny) {
      match::StringMatcherSpec spec;
      spec.kind = match::StrMatchKind::kExact;
      spec.patterns = {std::string(prog_.const_value(lit).s)};
      spec.mode = mode;
      const NodeRef m = prog_.str_match(subject, match::StringMatcher::create(spec, nullptr));
      return op == match::CmpOp::kEq ? m : negate(m, query_subject(e));
    }
  }
  // Elasticsearch: `f != v` is must_not(term f:v) [XT], so an event without f matches.
  if (op == match::CmpOp::kNe && opt_.dialect == Dialect::kElastic && query_subject(e) != nullptr) {
    return prog_.must_not(prog_.compare(match::CmpOp::kEq, mode, a, b));
  }
  return prog_.compare(op, mode, a, b);
}

NodeRef Binder::arith(const Expr* e) {
  const NodeRef a = expr(e->lhs);
  const NodeRef b = expr(e->rhs);
  if (a == kNoNode || b == kNoNode) return kNoNode;
  for (NodeRef n : {a, b}) {
    if (known(type(n)) && !numeric(type(n)) &&
        !type_problem(
            e, n,
            "arithmetic needs numbers, found " + std::string(match::static_type_name(type(n))))) {
      return kNoNode;
    }
  }
  return prog_.arith(arith_of(e->arith), a, b);
}

NodeRef Binder::in(const Expr* e) {
  const NodeRef x = expr(e->lhs);
  if (x == kNoNode) return kNoNode;
  const CaseMode mode = mode_for(e->case_insensitive);
  auto set = std::make_unique<match::ValueSet>(mode);
  std::vector<NodeRef> parts;
  bool bad = false;
  for (const Expr* item : e->args) {
    const NodeRef v = expr(item);
    if (v == kNoNode) {
      bad = true;
      continue;
    }
    if (!comparable(type(x), type(v)) &&
        !type_problem(item, !prog_.is_const(x) ? x : v,
                      "cannot compare " + std::string(match::static_type_name(type(x))) + " with " +
                          std::string(match::static_type_name(type(v))))) {
      bad = true;
      continue;
    }
    if (prog_.is_const(v)) {
      if (!prog_.const_value(v).is_null()) set->add(prog_.const_value(v));
    } else {
      parts.push_back(prog_.compare(match::CmpOp::kEq, mode, x, v));
    }
  }
  if (bad) return kNoNode;
  if (set->size() > 0) parts.insert(parts.begin(), prog_.in_set(x, std::move(set)));
  NodeRef r = parts.empty() ? prog_.bool_node(false) : prog_.or_(parts);
  if (parts.empty() && prog_.is_const(x) && prog_.const_value(x).is_null()) r = prog_.null_node();
  return e->negated ? negate(r, query_subject(e)) : r;
}

bool Binder::literal_strings(const Expr* call, size_t from, std::vector<std::string>& out) {
  bool ok = true;
  for (size_t k = from; k < call->args.size(); ++k) {
    const Expr* a = call->args[k];
    if (a->kind != ExprKind::kString) {
      error(code::kNeedsLiteral, "expected a string literal (a pattern) here", a->range);
      ok = false;
      continue;
    }
    out.push_back(a->s);
  }
  return ok;
}

NodeRef Binder::string_match(const Expr* e) {
  const NodeRef x = expr(e->lhs);
  if (x == kNoNode) return kNoNode;
  std::vector<std::string> pats;
  if (!literal_strings(e, 0, pats)) return kNoNode;
  if (known(type(x)) && !stringish(type(x)) && type(x) != StaticType::kIp &&
      !type_problem(e, x,
                    "pattern matching needs a string, found " +
                        std::string(match::static_type_name(type(x))))) {
    return kNoNode;
  }
  match::StringMatcherSpec spec;
  spec.patterns = pats;
  if (e->match == MatchOp::kRegex) {
    spec.kind = match::StrMatchKind::kRegex;
    spec.anchor = match::RegexAnchor::kFull;
    spec.mode = e->case_insensitive ? CaseMode::kInsensitive : CaseMode::kSensitive;
    for (size_t k = 0; k < pats.size(); ++k) {
      RE2::Options o;
      o.set_log_errors(false);
      RE2 re(pats[k], o);
      if (!re.ok()) {
        error(code::kInvalidRegex, "invalid regular expression: " + re.error(), e->args[k]->range);
        return kNoNode;
      }
    }
  } else {
    spec.kind = match::StrMatchKind::kWildcard;
    spec.question_mark = true;
    spec.mode = (e->match == MatchOp::kColon || e->case_insensitive) ? CaseMode::kInsensitive
                                                                     : CaseMode::kSensitive;
  }
  std::string err;
  auto m = match::StringMatcher::create(std::move(spec), &err);
  if (!m) {
    error(code::kInvalidRegex, "invalid regular expression: " + err, e->range);
    return kNoNode;
  }
  return prog_.str_match(x, std::move(m));
}

bool Binder::check_arg(match::ArgType want, NodeRef n, const Expr* at, std::string_view fn,
                       size_t pos) {
  const StaticType t = type(n);
  bool ok = true;
  std::string need;
  switch (want) {
    case match::ArgType::kString:
      ok = !known(t) || stringish(t) || t == StaticType::kIp;
      need = "a string";
      break;
    case match::ArgType::kNumber:
      ok = !known(t) || numeric(t);
      need = "a number";
      break;
    case match::ArgType::kBool:
      ok = !known(t) || t == StaticType::kBool;
      need = "a boolean";
      break;
    case match::ArgType::kPrimitive:
      ok = t != StaticType::kStringList;
      need = "a single value";
      break;
    case match::ArgType::kArray:
      ok = !known(t) || t == StaticType::kStringList;
      need = "an array";
      break;
    case match::ArgType::kStringOrArray:
      ok = !known(t) || stringish(t);
      need = "a string or an array";
      break;
    case match::ArgType::kBoolLiteral:
      if (!prog_.is_const(n) || (prog_.const_value(n).kind != match::ValueKind::kBool &&
                                 !prog_.const_value(n).is_null())) {
        error(code::kNeedsLiteral,
              "argument " + std::to_string(pos + 1) + " of " + std::string(fn) +
                  "() must be true or false",
              at->range);
        return false;
      }
      return true;
    default:
      return true;
  }
  if (ok) return true;
  const std::string msg = "argument " + std::to_string(pos + 1) + " of " + std::string(fn) +
                          "() must be " + need + ", found " +
                          std::string(match::static_type_name(t));
  if (strict() || prog_.is_const(n)) {
    error(code::kArgumentType, msg, at->range);
    return false;
  }
  diags_.warning(code::kDynamicTypeMismatch, msg + " (evaluates to null)", at->range);
  return true;
}

NodeRef Binder::pattern_call(const Expr* e, match::FunctionId id, CaseMode mode) {
  const NodeRef x = expr(e->args[0]);
  if (x == kNoNode) return kNoNode;
  const std::string_view fn = match::function_sig(id).name;
  if (id == match::FunctionId::kCidrMatch) {
    auto set = std::make_unique<match::CidrSet>();
    // Elasticsearch: a bare address is a /32 or /128 range, and IPv4 meets IPv6 in its
    // ::ffff: form (CIDRUtils.isInRange / encode).
    const bool elastic = opt_.dialect == Dialect::kElastic;
    set->set_mixed_families(elastic);
    bool ok = true;
    for (size_t k = 1; k < e->args.size(); ++k) {
      const Expr* a = e->args[k];
      if (a->kind != ExprKind::kString) {
        error(code::kNeedsLiteral, "cidrMatch() takes CIDR blocks as string literals", a->range);
        ok = false;
      } else if (!set->add(a->s, elastic)) {
        error(code::kInvalidCidr,
              "'" + a->s + "' is not a CIDR block (e.g. 10.0.0.0/8)" +
                  (elastic ? " or an IP address" : ""),
              a->range);
        ok = false;
      }
    }
    if (!ok) return kNoNode;
    if (known(type(x)) && !stringish(type(x)) && type(x) != StaticType::kIp &&
        !type_problem(e->args[0], x, "cidrMatch() needs an address")) {
      return kNoNode;
    }
    return prog_.cidr(x, std::move(set));
  }
  if (!check_arg(match::ArgType::kString, x, e->args[0], fn, 0)) return kNoNode;
  std::vector<std::string> pats;
  if (!literal_strings(e, 1, pats)) return kNoNode;
  match::StringMatcherSpec spec;
  spec.patterns = pats;
  spec.mode = mode;
  if (id == match::FunctionId::kMatch) {
    spec.kind = match::StrMatchKind::kRegex;
    spec.anchor = match::RegexAnchor::kPrefix;  // Python re.match
    for (size_t k = 0; k < pats.size(); ++k) {
      RE2::Options o;
      o.set_log_errors(false);
      RE2 re(pats[k], o);
      if (!re.ok()) {
        error(code::kInvalidRegex, "invalid regular expression: " + re.error(),
              e->args[k + 1]->range);
        return kNoNode;
      }
    }
  } else {
    spec.kind = match::StrMatchKind::kWildcard;
    spec.question_mark = false;
  }
  std::string err;
  auto m = match::StringMatcher::create(std::move(spec), &err);
  if (!m) {
    error(code::kInvalidRegex, "invalid regular expression: " + err, e->range);
    return kNoNode;
  }
  return prog_.str_match(x, std::move(m));
}

NodeRef Binder::array_loop(const Expr* e, match::LoopKind kind) {
  const std::string_view fn = kind == match::LoopKind::kSearch ? "arraySearch" : "arrayCount";
  const Expr* v = e->args[1];
  const std::optional<std::string> objects = object_array_prefix(e->args[0]);
  ScopeVar sv;
  NodeRef arr = kNoNode;
  if (objects && v->kind == ExprKind::kField && v->path.size() == 1) {
    // Leaf paths the body reads from the element variable.
    std::vector<std::string> leaves;
    std::function<void(const Expr*)> scan = [&](const Expr* x) {
      if (x == nullptr) return;
      if (x->kind == ExprKind::kField && x->path.size() > 1 && x->path[0].name == v->path[0].name) {
        std::string sub;
        for (size_t k = 1; k < x->path.size() && !x->path[k].name.empty(); ++k) {
          sub += (sub.empty() ? "" : ".") + x->path[k].name;
        }
        if (reg_.find(*objects + "." + sub) != kInvalidField &&
            std::find(leaves.begin(), leaves.end(), sub) == leaves.end()) {
          leaves.push_back(sub);
        }
      }
      scan(x->lhs);
      scan(x->rhs);
      for (const Expr* a : x->args) scan(a);
    };
    scan(e->args[2]);
    sv.object_prefix = *objects;
    FieldId iter_field = kInvalidField;
    if (leaves.size() == 1) {
      sv.iter = leaves[0];
      iter_field = reg_.find(*objects + "." + leaves[0]);
    } else {
      // No single leaf to iterate: iterate over any leaf list (one pass per element of it).
      const auto kids = object_children(*objects, 1);
      if (!kids.empty()) iter_field = kids[0];
    }
    arr = iter_field == kInvalidField
              ? prog_.null_node()
              : prog_.field(iter_field, match::static_type_of(reg_.type(iter_field)));
  } else {
    arr = expr(e->args[0]);
    if (arr == kNoNode) return kNoNode;
    if (!check_arg(match::ArgType::kArray, arr, e->args[0], fn, 0)) return kNoNode;
  }
  if (v->kind != ExprKind::kField || v->path.size() != 1 || v->path[0].name.empty() ||
      v->optional) {
    error(code::kBadVariable,
          "the second argument of " + std::string(fn) + "() must be a variable name", v->range);
    return kNoNode;
  }
  if (scope_.size() >= match::kMaxVars) {
    error(code::kTooComplex, "array functions are nested too deeply", e->range);
    return kNoNode;
  }
  const auto slot = static_cast<uint32_t>(scope_.size());
  sv.name = v->path[0].name;
  scope_.push_back(sv);
  const NodeRef body = predicate(e->args[2]);
  scope_.pop_back();
  if (body == kNoNode) return kNoNode;
  return prog_.array_loop(kind, arr, slot, body);
}

std::vector<FieldId> Binder::object_children(const std::string& prefix, size_t limit) const {
  std::vector<FieldId> out;
  const std::string dotted = prefix + ".";
  const size_t n = reg_.size();
  for (size_t id = 0; id < n && out.size() < limit; ++id) {
    if (reg_.info(static_cast<FieldId>(id)).name.starts_with(dotted)) {
      out.push_back(static_cast<FieldId>(id));
    }
  }
  return out;
}

std::optional<std::string> Binder::object_array_prefix(const Expr* arr) const {
  if (arr->kind != ExprKind::kField || arr->path.empty()) return std::nullopt;
  std::string name;
  size_t first = 0;
  for (size_t v = scope_.size(); v-- > 0;) {
    if (arr->path[0].name == scope_[v].name) {
      if (scope_[v].object_prefix.empty()) return std::nullopt;
      name = scope_[v].object_prefix;
      first = 1;
      break;
    }
  }
  for (size_t k = first; k < arr->path.size(); ++k) {
    if (arr->path[k].name.empty()) return std::nullopt;
    name += (name.empty() ? "" : ".") + arr->path[k].name;
  }
  if (reg_.find(name) != kInvalidField || object_children(name, 1).empty()) return std::nullopt;
  return name;
}

NodeRef Binder::call(const Expr* e) {
  const match::FunctionSig* sig = opt_.dialect == Dialect::kElastic
                                      ? match::find_function_ignore_case(e->s)
                                      : match::find_function(e->s);
  if (sig == nullptr) {
    error(code::kUnknownFunction, "unknown function '" + e->s + "'" + function_hint(e->s),
          e->range);
    return kNoNode;
  }
  const size_t n = e->args.size();
  if (n < sig->min_args || (sig->max_args != match::kVariadic && n > sig->max_args)) {
    std::string want = std::to_string(sig->min_args);
    if (sig->max_args == match::kVariadic) {
      want = "at least " + want;
    } else if (sig->max_args != sig->min_args) {
      want += " to " + std::to_string(sig->max_args);
    }
    error(code::kWrongArity,
          std::string(sig->name) + "() takes " + want + " argument" +
              (sig->min_args == 1 && sig->max_args == 1 ? "" : "s") + ", got " + std::to_string(n),
          e->range);
    return kNoNode;
  }
  const CaseMode mode = mode_for(e->case_insensitive);
  switch (sig->id) {
    case match::FunctionId::kSafe:
      return expr(e->args[0]);
    case match::FunctionId::kArraySearch:
      return array_loop(e, match::LoopKind::kSearch);
    case match::FunctionId::kArrayCount:
      return array_loop(e, match::LoopKind::kCount);
    case match::FunctionId::kWildcard:
    case match::FunctionId::kMatch:
    case match::FunctionId::kCidrMatch:
      return pattern_call(e, sig->id, mode);
    default:
      break;
  }
  std::vector<NodeRef> args;
  bool bad = false;
  for (size_t k = 0; k < n; ++k) {
    const NodeRef a = expr(e->args[k]);
    if (a == kNoNode) {
      bad = true;
      continue;
    }
    const match::ArgType want = k < sig->typed ? sig->args[k] : sig->rest;
    bad |= !check_arg(want, a, e->args[k], sig->name, k);
    args.push_back(a);
  }
  if (bad) return kNoNode;
  StaticType ret = sig->result;
  switch (sig->id) {
    case match::FunctionId::kAdd:
    case match::FunctionId::kSubtract:
    case match::FunctionId::kMultiply:
    case match::FunctionId::kDivide:
    case match::FunctionId::kModulo: {
      const StaticType a = type(args[0]);
      const StaticType b = type(args[1]);
      if (a == StaticType::kInt && b == StaticType::kInt) {
        ret = StaticType::kInt;
      } else if (numeric(a) && numeric(b)) {
        ret = StaticType::kFloat;
      }
      break;
    }
    default:
      break;
  }
  return prog_.call(sig->id, sig->case_aware ? mode : CaseMode::kSensitive, args, ret);
}

NodeRef Binder::lineage(const Expr* e) {
  if (!lineage_hook_ || e->subquery == nullptr) {
    error(code::kUnsupportedPath, "process lineage is not available here", e->range);
    return kNoNode;
  }
  match::LineageKind kind = match::LineageKind::kChildOf;
  switch (e->lineage) {
    case LineageKind::kChildOf:
      kind = match::LineageKind::kChildOf;
      break;
    case LineageKind::kDescendantOf:
      kind = match::LineageKind::kDescendantOf;
      break;
    case LineageKind::kEventOf:
      kind = match::LineageKind::kEventOf;
      break;
  }
  const int64_t slot = lineage_hook_(kind, *e->subquery);
  if (slot < 0) return kNoNode;
  return prog_.lineage(kind, static_cast<uint32_t>(slot));
}

}  // namespace wsn::eql
