// Human-friendly units in the configuration file: durations ("500ms", "60s", "5m", "1h",
// "30d"; a bare integer is seconds) and byte sizes ("4096", "64KiB", "100MiB", "1GiB", "10MB").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wsn::config {

// Each returns nullptr on success, else a static reason for the error message.
const char* parse_duration(std::string_view text, int64_t& ns_out);
const char* parse_size(std::string_view text, uint64_t& bytes_out);

// "60s", "500ms", "30d" …: the shortest exact spelling (for --print-config and docs).
std::string format_duration(int64_t ns);
std::string format_size(uint64_t bytes);

}  // namespace wsn::config
