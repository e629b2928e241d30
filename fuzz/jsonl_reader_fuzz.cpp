// libFuzzer target: arbitrary bytes as a JSON-lines event log. Lines are split by the replay
// LineReader (small limit, so the over-long path runs too) and decoded by JsonEventReader.
// Invariants: a rejected line always has a reason; an accepted one is written back as JSON
// that reads again, and writing that second event gives byte-identical JSON.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "collect/replay/line_reader.h"
#include "event/json_reader.h"
#include "event/json_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = memfd_create("jsonl_fuzz", MFD_CLOEXEC);
  if (fd < 0) return 0;
  if (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    return 0;
  }
  lseek(fd, 0, SEEK_SET);

  wsn::FieldRegistry registry;  // fresh per input: runs stay reproducible
  wsn::ReaderOptions options;
  options.max_line_bytes = 2048;
  options.max_depth = 8;
  wsn::JsonEventReader reader(registry, options);
  wsn::JsonEventReader rereader(registry);  // defaults: output may be longer than the input
  wsn::LineReader lines(fd, options.max_line_bytes, wsn::JsonEventReader::kPadding);
  wsn::Event event, again;
  std::string json, json_again;
  std::string_view line;
  for (;;) {
    const wsn::LineReader::Status s = lines.next(line);
    if (s != wsn::LineReader::Status::kLine) {
      if (s == wsn::LineReader::Status::kTooLong) continue;
      break;
    }
    event.clear();
    if (!reader.parse_padded(line.data(), line.size(), event)) {
      if (reader.error().empty()) std::abort();
      continue;
    }
    json.clear();
    wsn::write_event_json(event, registry, json);
    again.clear();
    if (!rereader.parse(json, again)) std::abort();
    if (again.field_count() != event.field_count() || again.category() != event.category() ||
        again.time_ns() != event.time_ns()) {
      std::abort();
    }
    json_again.clear();
    wsn::write_event_json(again, registry, json_again);
    if (json_again != json) std::abort();
  }
  close(fd);
  return 0;
}
