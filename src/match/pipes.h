// Pipes: a post-stage over match results (head, tail, count, unique, unique_count, filter,
// sort), shared by the conformance test and ad-hoc queries. Results are processed as a batch in
// stream order; the output equals Endgame's streaming pipes (head stops early there, which does
// not change what is output).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "match/eval.h"
#include "match/ir.h"
#include "wsn/event.h"

namespace wsn::match {

enum class PipeKind : uint8_t { kHead, kTail, kCount, kUnique, kUniqueCount, kFilter, kSort };

struct PipeStage {
  PipeKind kind = PipeKind::kHead;
  int64_t count = 0;          // head / tail
  std::vector<NodeRef> keys;  // count / unique / unique_count / sort
  NodeRef filter = kNoNode;   // filter
  CaseMode key_mode =
      CaseMode::kSensitive;  // unique / sort / count keys fold case when insensitive
};

struct PipeProgram {
  Program program;
  std::vector<PipeStage> stages;
};

// One result flowing through the pipes: the events of a match (one, or one per sequence step)
// and, after count / unique_count, the aggregates.
struct PipeResult {
  std::vector<std::shared_ptr<const Event>> events;
  std::optional<PipeAggregate> aggregate;
  std::string key;  // `count` output: the rendered key ("totals" without keys)
};

// Runs `prog` over `results` (in stream order) and returns the output.
std::vector<PipeResult> run_pipes(const PipeProgram& prog, std::vector<PipeResult> results);

}  // namespace wsn::match
