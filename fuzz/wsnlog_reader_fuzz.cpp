// libFuzzer target: arbitrary bytes as a binary flight-recorder log (.wsnlog). The reader must
// never crash, read out of bounds or allocate beyond its block limits; every event it returns
// is written as JSON (exercising the decoded values), and its statistics stay consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "event/json_writer.h"
#include "record/log_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wsn::FieldRegistry registry;  // fresh per input: runs stay reproducible
  auto reader = wsn::record::LogReader::from_memory(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", registry);
  if (!reader.ok()) {
    if (reader.error().message.empty()) std::abort();
    return 0;
  }
  wsn::Event event;
  std::string_view payload;
  std::string json;
  uint64_t events = 0;
  for (;;) {
    const auto n = (*reader)->next(event, payload);
    if (n == wsn::record::LogReader::Next::kEnd || n == wsn::record::LogReader::Next::kError) {
      break;
    }
    if (n == wsn::record::LogReader::Next::kEvent) {
      ++events;
      json.clear();
      wsn::write_event_json(event, registry, json);
    } else if (n == wsn::record::LogReader::Next::kMalformed && (*reader)->error().empty()) {
      std::abort();
    }
  }
  const auto& s = (*reader)->stats();
  if (s.events != events || s.skipped_bytes + s.torn_tail_bytes > size) std::abort();
  return 0;
}
