// The `kill` response action plug-in: SIGKILL to the process of the triggering event, through a
// pidfd after checking it is still that process (kill_action.h).
#pragma once

#include "wsn/plugins.h"

namespace wsn::plugins {

ActionPlugin kill_action_plugin();

}  // namespace wsn::plugins
