// The `block` response action plug-in: installs a timed block in the XDP filter for the
// remote address of the detection's network event (block_target.h), so the rest of that
// traffic dies in the driver. Configured in `actions.block` (ttl, scope, pin_dir).
#pragma once

#include "wsn/plugins.h"

namespace wsn::plugins {

ActionPlugin block_action_plugin();

}  // namespace wsn::plugins
