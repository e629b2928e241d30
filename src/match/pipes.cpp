#include "match/pipes.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "match/sequence.h"
#include "match/strings.h"

namespace wsn::match {

namespace {

// An owned, ordered sort key component (nulls first, then booleans, numbers, strings).
struct SortValue {
  int rank = 0;
  double num = 0;
  std::string text;
};

bool operator<(const SortValue& a, const SortValue& b) {
  if (a.rank != b.rank) return a.rank < b.rank;
  if (a.rank == 2 || a.rank == 1) return a.num < b.num;
  return a.text < b.text;
}

class PipeEval {
 public:
  explicit PipeEval(const Program& p) : p_(p) {}

  EvalContext context(const PipeResult& r) {
    ptrs_.clear();
    for (const auto& e : r.events) ptrs_.push_back(e.get());
    EvalContext ctx;
    ctx.events = ptrs_.data();
    ctx.event_count = static_cast<uint32_t>(ptrs_.size());
    ctx.scratch = &scratch_;
    ctx.aggregate = r.aggregate ? &*r.aggregate : nullptr;
    scratch_.reset();
    return ctx;
  }

  std::string key(const PipeResult& r, const PipeStage& st) {
    EvalContext ctx = context(r);
    std::string out;
    const std::vector<bool> nullable(st.keys.size(), true);
    encode_key(p_, st.keys, ctx, nullable, st.key_mode == CaseMode::kInsensitive, out);
    return out;
  }

  std::string render_key(const PipeResult& r, const PipeStage& st) {
    EvalContext ctx = context(r);
    std::string out;
    for (size_t k = 0; k < st.keys.size(); ++k) {
      if (k) out += ",";
      const Value v = evaluate(p_, st.keys[k], ctx);
      out += v.kind == ValueKind::kString ? std::string(v.s) : value_to_string(v);
    }
    return out;
  }

  std::vector<SortValue> sort_key(const PipeResult& r, const PipeStage& st) {
    EvalContext ctx = context(r);
    std::vector<SortValue> out;
    for (NodeRef k : st.keys) {
      const Value v = evaluate(p_, k, ctx);
      SortValue s;
      switch (v.kind) {
        case ValueKind::kNull:
          s.rank = 0;
          break;
        case ValueKind::kBool:
          s.rank = 1;
          s.num = v.b;
          break;
        case ValueKind::kInt:
        case ValueKind::kFloat:
          s.rank = 2;
          s.num = v.as_double();
          break;
        case ValueKind::kString:
          s.rank = 3;
          s.text = st.key_mode == CaseMode::kInsensitive ? fold_copy(v.s) : std::string(v.s);
          break;
        default:
          s.rank = 4;
          s.text = value_to_string(v);
          break;
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  bool filter(const PipeResult& r, NodeRef f) {
    EvalContext ctx = context(r);
    return holds(p_, f, ctx);
  }

 private:
  const Program& p_;
  ScratchArena scratch_;
  std::vector<const Event*> ptrs_;
};

}  // namespace

std::vector<PipeResult> run_pipes(const PipeProgram& prog, std::vector<PipeResult> results) {
  PipeEval ev(prog.program);
  for (const PipeStage& st : prog.stages) {
    std::vector<PipeResult> out;
    switch (st.kind) {
      case PipeKind::kHead:
        if (results.size() > static_cast<size_t>(st.count)) {
          results.resize(static_cast<size_t>(st.count));
        }
        continue;
      case PipeKind::kTail:
        if (results.size() > static_cast<size_t>(st.count)) {
          results.erase(results.begin(), results.end() - static_cast<std::ptrdiff_t>(st.count));
        }
        continue;
      case PipeKind::kFilter:
        for (PipeResult& r : results) {
          if (ev.filter(r, st.filter)) out.push_back(std::move(r));
        }
        break;
      case PipeKind::kUnique: {
        std::unordered_set<std::string> seen;
        for (PipeResult& r : results) {
          if (seen.insert(ev.key(r, st)).second) out.push_back(std::move(r));
        }
        break;
      }
      case PipeKind::kSort: {
        std::vector<std::pair<std::vector<SortValue>, size_t>> keyed;
        for (size_t k = 0; k < results.size(); ++k)
          keyed.emplace_back(ev.sort_key(results[k], st), k);
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [key, k] : keyed) out.push_back(std::move(results[k]));
        break;
      }
      case PipeKind::kUniqueCount: {
        std::unordered_map<std::string, size_t> group;  // key → index in out
        for (PipeResult& r : results) {
          const int64_t add = r.aggregate ? r.aggregate->count : 1;
          auto [it, fresh] = group.try_emplace(ev.key(r, st), out.size());
          if (fresh) {
            r.aggregate = PipeAggregate{add, 0};
            r.key = ev.render_key(r, st);  // what `query` prints as "key"
            out.push_back(std::move(r));
          } else {
            out[it->second].aggregate->count += add;
          }
        }
        int64_t total = 0;
        for (const PipeResult& r : out) total += r.aggregate->count;
        for (PipeResult& r : out) {
          r.aggregate->percent = total ? static_cast<double>(r.aggregate->count) / total : 0;
        }
        break;
      }
      case PipeKind::kCount: {
        if (st.keys.empty()) {
          PipeResult r;
          r.key = "totals";
          r.aggregate = PipeAggregate{static_cast<int64_t>(results.size()), 1.0};
          out.push_back(std::move(r));
          break;
        }
        std::unordered_map<std::string, size_t> group;
        for (PipeResult& r : results) {
          auto [it, fresh] = group.try_emplace(ev.key(r, st), out.size());
          if (fresh) {
            PipeResult c;
            c.key = ev.render_key(r, st);
            c.aggregate = PipeAggregate{0, 0};
            out.push_back(std::move(c));
          }
          ++out[it->second].aggregate->count;
        }
        const auto total = static_cast<double>(results.size());
        for (PipeResult& r : out) r.aggregate->percent = r.aggregate->count / total;
        std::stable_sort(out.begin(), out.end(), [](const PipeResult& a, const PipeResult& b) {
          if (a.aggregate->count != b.aggregate->count) {
            return a.aggregate->count < b.aggregate->count;
          }
          return a.key < b.key;
        });
        break;
      }
    }
    results = std::move(out);
  }
  return results;
}

}  // namespace wsn::match
