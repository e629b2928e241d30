// One-line human summary of an alert, for terminals and plain log files:
//
//   2026-11-20T09:00:01.512Z HIGH wsn.linux.reverse_shell "Reverse shell through /dev/tcp"
//   host=web-01 user=www-data process=bash pid=4242 parent=nginx cmd="bash -i" mitre=T1059.004
//
// (one line; `count=N` follows when dedupe folded detections, `suppressed=N` after throttling).
// Control characters in values are escaped (\n, \xNN) so an alert never spans lines.
#pragma once

#include <string>

#include "wsn/alert.h"

namespace wsn {

void format_alert_text(const Alert& alert, std::string& out);

}  // namespace wsn
