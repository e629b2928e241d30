// An event source (collector): eBPF, a replayed log, stdin. Sources write events into the bus
// through a BatchWriter and report records they could not decode.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wsn/result.h"

namespace wsn {

class BatchWriter;

struct SourceStats {
  uint64_t events = 0;     // events produced
  uint64_t malformed = 0;  // input records rejected (each reported with the reason)
  uint64_t lost = 0;       // records lost before reaching us (e.g. kernel ring-buffer drops)
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  virtual std::string_view name() const = 0;
  // Produces events until the input ends or stop() is called. Returns an error when the source
  // cannot run at all (unreadable file, BPF load failure).
  virtual Status run(BatchWriter& out) = 0;
  // Asks run() to return soon; safe to call from another thread or a signal-handling thread.
  virtual void stop() = 0;
  virtual SourceStats stats() const = 0;
};

}  // namespace wsn
