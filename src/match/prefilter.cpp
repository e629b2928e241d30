#include "match/prefilter.h"

#include <algorithm>
#include <deque>

namespace wsn::match {

namespace {

std::optional<Requirement> literal_requirement(const Program& p, NodeRef n) {
  const Node& node = p.node(n);
  if (node.op == Op::kStrMatch || node.op == Op::kInSet) {
    const Node& subject = p.node(p.kid(n, 0));
    if (subject.op != Op::kField || subject.event_index != 0) return std::nullopt;
    Requirement r;
    r.field = subject.field;
    const bool ok = node.op == Op::kStrMatch ? p.matcher(node.aux).required_literals(r.literals)
                                             : p.set(node.aux).required_literals(r.literals);
    if (!ok || r.literals.empty()) return std::nullopt;
    return r;
  }
  if (node.op == Op::kOr) {
    Requirement all;
    for (NodeRef k : p.kids(n)) {
      auto r = literal_requirement(p, k);
      if (!r) return std::nullopt;
      if (all.field != kInvalidField && all.field != r->field) return std::nullopt;
      all.field = r->field;
      all.literals.insert(all.literals.end(), r->literals.begin(), r->literals.end());
    }
    if (all.field == kInvalidField) return std::nullopt;
    return all;
  }
  return std::nullopt;
}

size_t shortest(const Requirement& r) {
  size_t m = SIZE_MAX;
  for (const std::string& l : r.literals) m = std::min(m, l.size());
  return m;
}

}  // namespace

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
    auto r = literal_requirement(p, c);
    if (r && (!best || shortest(*r) > shortest(*best))) best = std::move(r);
  }
  return best;
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
  delta_.assign(states * classes_, 0);
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
      delta_[c] = u;
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
      const uint32_t via_fail = delta_[static_cast<size_t>(fail[s]) * classes_ + c];
      if (u != kNone) {
        fail[u] = via_fail;
        delta_[static_cast<size_t>(s) * classes_ + c] = u;
        queue.push_back(u);
      } else {
        delta_[static_cast<size_t>(s) * classes_ + c] = via_fail;
      }
    }
  }
}

}  // namespace wsn::match
