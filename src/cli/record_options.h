// The recording options `record` and `run --record` share: the format and the rotation of a
// binary log (--record-format, --record-max-size, --record-max-age, --record-keep).
#pragma once

#include <cstdint>
#include <string>

#include "cli/event_recorder.h"
#include "wsn/result.h"

namespace CLI {
class App;
}

namespace wsn::cli {

struct RecordFlags {
  std::string format;    // "", "binary", "jsonl"
  std::string max_size;  // "" or a size ("100MiB")
  std::string max_age;   // "" or a duration ("1h")
  uint64_t keep = 0;
};

void add_record_flags(CLI::App* cmd, RecordFlags& flags);
// Errors: "--record-max-size: <reason>" and the like.
Result<RecorderOptions> recorder_options(const RecordFlags& flags);

}  // namespace wsn::cli
