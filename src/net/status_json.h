// The network edge's state as the dashboard's `GET /api/v1/network` shows it
// (docs/operations.md "Network edge shape"): attachment, interfaces, rules with counters and
// the filter's totals; {"attached":false,…} when no filter is pinned.
#pragma once

#include <string>

namespace wsn::net {

std::string network_status_json(const std::string& pin_dir);

}  // namespace wsn::net
