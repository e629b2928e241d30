// Replays a binary flight-recorder log (a .wsnlog recording, all its segments in order;
// docs/flight-recorder.md) into the event bus. Alert and note records are not events: they are
// counted and skipped. Records that do not decode and damaged blocks are reported through the
// malformed callback (with the reason) and counted as malformed; the replay goes on.
//
// Thread safety: run() on one thread; stop() and stats() from any thread. A source runs once.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "wsn/event.h"
#include "wsn/result.h"
#include "wsn/schema.h"
#include "wsn/source.h"

namespace wsn {

class WsnlogReplaySource final : public EventSource {
 public:
  // `report` receives one line per problem ("FILE: reason"); may be empty.
  WsnlogReplaySource(std::string path, FieldRegistry& registry,
                     std::function<void(const std::string&)> report = {});

  std::string_view name() const override { return name_; }  // "wsnlog:<path>"
  // Errors: the recording cannot be opened or its first header is bad ("FILE: reason").
  Status run(EventWriter& out) override;
  void stop() override { stop_.store(true, std::memory_order_relaxed); }
  SourceStats stats() const override;

 private:
  const std::string path_;
  const std::string name_;
  FieldRegistry& registry_;
  const std::function<void(const std::string&)> report_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> malformed_{0};
};

// Reads a whole binary recording into memory (query, tests). Problems go to `report`.
Result<std::vector<Event>> read_wsnlog_file(const std::string& path, FieldRegistry& registry,
                                            const std::function<void(const std::string&)>& report);

}  // namespace wsn
