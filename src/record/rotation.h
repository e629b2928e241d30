// Segment names and retention of a rotated binary log.
//
// A recording to `rec.wsnlog` starts in that file (segment 0); rotation continues it in
// `rec.000001.wsnlog`, `rec.000002.wsnlog` ... (for a path without the .wsnlog extension:
// `PATH.000001` ...). Retention deletes the oldest segments, segment 0 included. Reading the
// base name reads every segment present, in index order.
//
// Thread safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wsn::record {

struct RotationPolicy {
  uint64_t max_bytes = 0;  // start a new segment once a segment reaches this size (0 = never)
  int64_t max_age_ns = 0;  // ... or is this old (0 = never)
  uint64_t keep = 0;       // segments kept on disk, the newest ones (0 = all)
};

// Segment `index` of the recording `base` (index 0 is `base` itself).
std::string segment_path(const std::string& base, uint64_t index);

struct Segment {
  uint64_t index = 0;
  std::string path;
};
// The segments of `base` that exist, by index. Empty when there are none.
std::vector<Segment> list_segments(const std::string& base);

}  // namespace wsn::record
