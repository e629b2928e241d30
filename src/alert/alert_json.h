// ECS-style JSON serialization of an alert (one line, deterministic key order):
//
// {"@timestamp":"…","event":{"kind":"alert","severity":73,"severity_label":"high"},
//  "rule":{"id":"…","name":"…","description":"…","tags":[…],"type":"eql"},
//  "threat":{"framework":"MITRE ATT&CK","technique":{"id":["T1059.004"]}},
//  "host":{"name":"web-01"},"alert":{"sequence":1,"count":1},"events":[{…},…]}
#pragma once

#include <string>

#include "wsn/alert.h"
#include "wsn/schema.h"

namespace wsn {

void write_alert_json(const Alert& alert, const FieldRegistry& registry, std::string& out);

}  // namespace wsn
