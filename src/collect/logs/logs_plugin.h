// The `logs` source plug-in: system log files (auth, syslog, auditd) followed live as events
// (log_tail_source.h). Section `sources.logs`: enabled, auth / syslog / auditd (file lists),
// from_start, poll.
#pragma once

#include "wsn/plugins.h"

namespace wsn::plugins {

SourcePlugin logs_source_plugin();

}  // namespace wsn::plugins
