// Serialises the fields a module declared into the flat event record of ABI v1
// (sdk/include/wsn_abi.h), directly into the module's reserved buffer: no JSON, no allocation,
// no name lookups (field ids were bound at load).
#pragma once

#include <cstdint>
#include <span>

#include "wasm/module_meta.h"
#include "wsn/event.h"

namespace wsn::wasm {

// Bytes needed for the header and slots alone.
inline size_t record_fixed_size(size_t nslots) {
  return 32 + 16 * nslots;
}

// Writes the record for `e` into `out` (which must hold at least record_fixed_size()) and
// returns its size. Values that do not fit are cut and flagged WSN_SLOT_TRUNCATED.
uint32_t build_record(const Event& e, const BoundMeta& meta, std::span<uint8_t> out);

}  // namespace wsn::wasm
