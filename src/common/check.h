// WSN_DCHECK(cond, "why"): an invariant, checked in debug builds (the ASan/UBSan test build)
// and compiled out of release builds, where it would cost time on the hot path. A failure
// prints the condition, the reason and where, then aborts (a broken invariant is a bug, never
// a user mistake: those get diagnostics).
#pragma once

#include <cstdio>
#include <cstdlib>

#ifdef NDEBUG
#define WSN_DCHECK(cond, why) ((void)0)
#else
#define WSN_DCHECK(cond, why)                                                             \
  ((cond) ? (void)0                                                                       \
          : (std::fprintf(stderr, "%s:%d: invariant '%s' broken: %s\n", __FILE__, __LINE__, \
                          #cond, why),                                                    \
             std::abort()))
#endif
