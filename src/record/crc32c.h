// CRC-32C (Castagnoli), the checksum of block payloads and headers in a binary log.
//
// Software slice-by-8 (portable, ~1.5 GB/s); blocks are checksummed once per block, after
// compression, so this is far from the recorder's hot path. Thread safe (pure).
#pragma once

#include <cstddef>
#include <cstdint>

namespace wsn::record {

// CRC of `data[0, n)` continuing from `crc` (0 to start).
uint32_t crc32c(const void* data, size_t n, uint32_t crc = 0);

}  // namespace wsn::record
