#include "cli/record_options.h"

#include <CLI/CLI.hpp>

#include "config/units.h"

namespace wsn::cli {

void add_record_flags(CLI::App* cmd, RecordFlags& flags) {
  cmd->add_option("--record-format", flags.format,
                  "binary (compact, checksummed, rotatable; recommended) or jsonl. Default: by "
                  "the file name: *.wsnlog is binary, anything else JSON lines.")
      ->check(CLI::IsMember({"binary", "jsonl"}));
  cmd->add_option("--record-max-size", flags.max_size,
                  "Binary log: start a new segment (FILE.000001.wsnlog ...) when one reaches this "
                  "size, e.g. 100MiB.");
  cmd->add_option("--record-max-age", flags.max_age,
                  "Binary log: start a new segment when one is this old, e.g. 1h.");
  cmd->add_option("--record-keep", flags.keep,
                  "Binary log: keep only the newest N segments (default: all).");
}

Result<RecorderOptions> recorder_options(const RecordFlags& flags) {
  RecorderOptions o;
  o.format = flags.format;
  if (!flags.max_size.empty()) {
    if (const char* why = config::parse_size(flags.max_size, o.rotation.max_bytes)) {
      return Error{std::string("--record-max-size: ") + why, 0, ErrorCode::kInvalid};
    }
  }
  if (!flags.max_age.empty()) {
    if (const char* why = config::parse_duration(flags.max_age, o.rotation.max_age_ns)) {
      return Error{std::string("--record-max-age: ") + why, 0, ErrorCode::kInvalid};
    }
  }
  o.rotation.keep = flags.keep;
  return o;
}

}  // namespace wsn::cli
