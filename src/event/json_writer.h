// Event → one line of JSON (the format read back by JsonEventReader; see docs/event-format.md).
//
// Output is deterministic, so replaying a log reproduces it byte for byte:
// - dotted field names become nested objects ("process.name" → {"process":{"name":..}}),
//   at most 16 deep (deeper segments stay one dotted key);
// - keys are ordered by name, comparing segment by segment ("a.b" sorts with "a", before
//   "a-b"), independent of insertion order and of registry ids;
// - a name that is both a value and a prefix of others ("a" and "a.b") keeps its value under
//   its key and its descendants follow as dotted keys at the same level: {"a":1,"a.b":2};
// - @timestamp and other timestamps are RFC 3339 UTC with at least millisecond digits; ints are
//   numbers, IPs strings, string lists arrays;
// - strings are escaped per RFC 8259 and invalid UTF-8 bytes become U+FFFD, so the output is
//   always valid JSON even for binary field contents.
//
// Thread safe (uses thread-local scratch space); allocation-free once `out` has grown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/json_text.h"  // append_json_string, utf8_sequence_length
#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn {

// Appends `event` to `out` as a single-line JSON object (no trailing newline). Fields whose id
// is not in `registry` are left out, and so is the engine's `wsn.live_decisions` unless
// `with_live_decisions` (recordings keep it; alerts and query results do not show it).
void write_event_json(const Event& event, const FieldRegistry& registry, std::string& out,
                      bool with_live_decisions = false);


}  // namespace wsn
