// An event source (collector): the kernel (eBPF), a replayed log, standard input, or a
// plug-in's own. The engine runs any number of sources at once, each on its own thread, into
// one event bus; each source writes through its own BatchWriter (own counters, own drop
// policy) and reports records it could not decode.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/detector.h"
#include "wsn/result.h"

namespace wsn {

class Event;

// Where a source puts its events (the bus, in batches). Not thread safe: one per source.
class EventWriter {
 public:
  virtual ~EventWriter() = default;
  // A cleared event to fill; it becomes part of the stream only after commit().
  virtual Event& next() = 0;
  virtual void commit() = 0;
  // Publishes what is pending now (a live source calls it after each burst).
  virtual void flush() = 0;
  // An input record that could not become an event (the source reports why on its own).
  virtual void count_malformed(uint64_t n = 1) = 0;
};

struct SourceStats {
  uint64_t events = 0;     // events produced
  uint64_t malformed = 0;  // input records rejected (each reported with the reason)
  uint64_t lost = 0;       // records lost before reaching us (e.g. kernel ring-buffer drops)
};

// A value a source measures besides its event counts (the XDP filter's packet counters …),
// exported on /metrics as NAME{source="…", LABELS…}. A name keeps one kind and one set of
// label names.
struct SourceMetric {
  std::string name;  // "wsn_xdp_packets_total"
  std::string help;
  bool counter = true;  // false: a gauge
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

// What a source does when the bus is full: wait (a log: lose nothing, slow the reader down) or
// drop and count (a live source must never stall what it reads from).
enum class DropPolicy : uint8_t { kBlock, kDrop };

class EventSource {
 public:
  virtual ~EventSource() = default;
  // "ebpf", "jsonl:/path", "stdin" …; the part before ':' labels its metrics.
  virtual std::string_view name() const = 0;
  virtual DropPolicy drop_policy() const { return DropPolicy::kBlock; }
  // True for sources that observe this host as it runs (response actions act for real, dedupe
  // windows close on the stream clock).
  virtual bool live() const { return false; }

  // Called once before run() with what the loaded rules can match (interest pushdown: a source
  // may then produce only those events). An error means the source cannot run here; the
  // message says what is missing.
  virtual Status prepare(const EventInterest& wanted) {
    (void)wanted;
    return {};
  }
  // New rules were published while running: widen what is collected if possible; otherwise
  // append a warning to `notes` (e.g. "restart to attach their hooks").
  virtual void rules_changed(const EventInterest& wanted, std::vector<std::string>& notes) {
    (void)wanted, (void)notes;
  }
  // Whether this source can ever produce an event `w` accepts (its category, action and type
  // vocabulary). A run warns about rules that no running source can feed.
  virtual bool may_emit(const EventInterest::Want& w) const {
    (void)w;
    return true;
  }
  // Lines describing what it collects, printed when a run starts (after prepare()).
  virtual std::vector<std::string> describe() const { return {}; }

  // Produces events until the input ends or stop() is called. Returns an error when the source
  // cannot run at all (unreadable file, BPF load failure).
  virtual Status run(EventWriter& out) = 0;
  // Asks run() to return soon; safe to call from another thread or a signal-handling thread.
  virtual void stop() = 0;
  virtual SourceStats stats() const = 0;
  // Its own metrics (SourceMetric); read about once a second from the detection thread.
  virtual void metrics(std::vector<SourceMetric>& out) const { (void)out; }
};

}  // namespace wsn
