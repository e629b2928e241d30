// ECS-style JSON serialization of an alert (one line, deterministic key order):
//
// {"@timestamp":"…","event":{"kind":"alert","severity":73,"severity_label":"high"},
//  "rule":{"id":"…","name":"…","description":"…","type":"eql","tags":[…]},
//  "threat":{"framework":"MITRE ATT&CK","tactic":{"name":["Execution"]},
//            "technique":{"id":["T1059.004"],"reference":["https://attack.mitre.org/…"]}},
//  "host":{"name":"web-01"},"alert":{"sequence":1,"count":1},
//  "ancestry":[{"pid":1,"entity_id":"…","name":"…","executable":"…","command_line":"…"}],
//  "events":[{…},…]}
//
// docs/alert-format.md describes every key. No wall-clock time appears anywhere, so replaying
// a log reproduces the alerts byte for byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wsn/alert.h"
#include "wsn/schema.h"

namespace wsn {

// `rule_json`: the alert's rule as write_rule_json renders it, when the caller keeps it per rule
// (AlertManager: an Elastic rule's description and ATT&CK mapping are most of an alert); empty:
// rendered here.
void write_alert_json(const Alert& alert, const FieldRegistry& registry, std::string& out,
                      std::string_view rule_json = {});

// The part of an alert that depends on its rule alone: `,"rule":{…}` and `,"threat":{…}`.
void write_rule_json(const RuleMeta& rule, std::string& out);

// ATT&CK tactic display names ("Command and Control") named by `attack.<tactic>` rule tags
// (e.g. attack.command_and_control), in tag order, without duplicates.
std::vector<std::string_view> mitre_tactics(const std::vector<std::string>& tags);

// https://attack.mitre.org/techniques/T1059/004/ for "T1059.004"; "" for a malformed id.
std::string mitre_technique_url(std::string_view id);

}  // namespace wsn
