// Deterministic generator of realistic ECS JSON-lines activity for benchmarks: process execs,
// file writes and network connections of a busy Linux host, ~500 bytes per line.
#pragma once

#include <cstdint>
#include <string>

namespace wsn::bench {

// Writes `events` lines to `path` (seeded, so every run sees the same bytes). Returns bytes.
uint64_t write_event_log(const std::string& path, uint64_t events, uint64_t seed = 42);

// One line (without newline) for event number `k`.
void append_event_line(std::string& out, uint64_t k, uint64_t& rng_state);

}  // namespace wsn::bench
