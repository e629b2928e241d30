// Reading the system clocks in nanoseconds (one call, no allocation; thread safe).
#pragma once

#include <time.h>

#include <cstdint>

namespace wsn {

inline int64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Elapsed time that no clock setting moves: deadlines, cache ages.
inline int64_t monotonic_ns() {
  return clock_ns(CLOCK_MONOTONIC);
}

}  // namespace wsn
