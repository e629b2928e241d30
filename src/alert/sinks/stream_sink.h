// Moved to alert/sinks/stream/stream_sink.h (each sink has its own folder and target).
#pragma once
#include "alert/sinks/stream/stream_sink.h"
