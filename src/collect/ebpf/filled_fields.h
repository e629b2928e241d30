// Which built-in fields the live eBPF collector sets on the events it produces.
//
// Kept next to record_decoder.cpp, the code that sets them: when the decoder sets a new field,
// add it here too. `wasm-sentinel fields` lists it; events hold only the fields their kind
// carries.
//
// Thread safe: returns a new vector of constants.
#pragma once

#include <vector>

#include "wsn/schema.h"

namespace wsn::collect {

// The fields record_decoder.cpp (and through it ebpf_source.cpp) sets, in table order.
std::vector<FieldId> ebpf_filled_fields();

}  // namespace wsn::collect
