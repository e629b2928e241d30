#include "collect/replay/wsnlog_replay_source.h"

#include <vector>

#include "record/log_set.h"

namespace wsn {
namespace {

// What a reader lost to damage, as one line for the report (empty when nothing was lost).
std::string damage_summary(const std::string& path, const record::ReadStats& s) {
  if (s.corrupt_blocks == 0 && s.torn_tail_bytes == 0) return "";
  std::string out = path + ": ";
  if (s.corrupt_blocks > 0) {
    out += std::to_string(s.corrupt_blocks) + " corrupt block(s) skipped (" +
           std::to_string(s.skipped_bytes) + " bytes)";
  }
  if (s.torn_tail_bytes > 0) {
    if (s.corrupt_blocks > 0) out += ", ";
    out += "torn tail of " + std::to_string(s.torn_tail_bytes) + " bytes ignored";
  }
  return out;
}

// Reads every event of the recording at `path`: `next()` gives a cleared Event to fill,
// `commit()` keeps it, `bad(n)` counts n lost records.
template <typename Next, typename Commit, typename Bad>
Status decode_recording(const std::string& path, FieldRegistry& registry,
                        const std::atomic<bool>* stop,
                        const std::function<void(const std::string&)>& report, Next&& next,
                        Commit&& commit, Bad&& bad) {
  auto opened = record::LogSetReader::open(path, registry);
  if (!opened.ok()) return opened.error();
  record::LogSetReader& reader = *opened.value();
  std::string_view payload;
  for (;;) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) return {};
    Event& e = next();
    const auto n = reader.next(e, payload);
    if (n == record::LogSetReader::Next::kEnd) break;
    switch (n) {
      case record::LogSetReader::Next::kEvent:
        commit();
        break;
      case record::LogSetReader::Next::kMalformed:
      case record::LogSetReader::Next::kError:
        bad(1);
        if (report) report(reader.error());
        break;
      default:
        break;  // alerts and notes are not events
    }
  }
  const record::ReadStats s = reader.stats();
  if (s.corrupt_blocks > 0) bad(s.corrupt_blocks);
  if (report) {
    if (std::string d = damage_summary(path, s); !d.empty()) report(d);
  }
  return {};
}

}  // namespace

WsnlogReplaySource::WsnlogReplaySource(std::string path, FieldRegistry& registry,
                                       std::function<void(const std::string&)> report)
    : path_(std::move(path)),
      name_("wsnlog:" + path_),
      registry_(registry),
      report_(std::move(report)) {}

SourceStats WsnlogReplaySource::stats() const {
  SourceStats s;
  s.events = events_.load(std::memory_order_relaxed);
  s.malformed = malformed_.load(std::memory_order_relaxed);
  return s;
}

Status WsnlogReplaySource::run(EventWriter& out) {
  if (stop_.load(std::memory_order_relaxed)) return {};
  const Status st = decode_recording(
      path_, registry_, &stop_, report_, [&]() -> Event& { return out.next(); },
      [&] {
        out.commit();
        events_.fetch_add(1, std::memory_order_relaxed);
      },
      [&](uint64_t n) {
        malformed_.fetch_add(n, std::memory_order_relaxed);
        out.count_malformed(n);
      });
  out.flush();
  return st;
}

Result<std::vector<Event>> read_wsnlog_file(const std::string& path, FieldRegistry& registry,
                                            const std::function<void(const std::string&)>& report) {
  std::vector<Event> events;
  Event scratch;
  const Status st = decode_recording(
      path, registry, nullptr, report,
      [&]() -> Event& {
        scratch.clear();
        return scratch;
      },
      [&] { events.push_back(scratch); }, [](uint64_t) {});
  if (!st.ok()) return st.error();
  return events;
}

}  // namespace wsn
