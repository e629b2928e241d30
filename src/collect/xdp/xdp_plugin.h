// The `xdp` source plug-in (sources.xdp): the network edge's filter, configured from the
// configuration file (docs/network.md "Configuration").
#pragma once

#include "wsn/plugins.h"

namespace wsn::plugins {

SourcePlugin xdp_source_plugin();

}  // namespace wsn::plugins
