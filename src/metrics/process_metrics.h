// Standard process metrics (the names every Prometheus client library exports):
// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_cpu_seconds_total, process_start_time_seconds. Read from /proc/self at scrape time.
#pragma once

#include "metrics/metrics.h"

namespace wsn::metrics {

// Registers the gauges and a collector that refreshes them; returns the collector handle.
uint64_t register_process_metrics(Registry& registry);

// User + system CPU time of this process in seconds (clock-tick precision), 0 without /proc.
double process_cpu_seconds();

// Resident set size of this process in bytes, 0 when /proc is unavailable.
uint64_t process_rss_bytes();

}  // namespace wsn::metrics
