// The on-disk layout of a binary flight-recorder log (".wsnlog"; docs/flight-recorder.md).
//
// All integers are little-endian. A file (one segment of a recording) is
//
//   FileHeader   16 bytes: magic "WSNLOG\0\x1a", u16 format version, u16 flags (0),
//                u32 body length; then the body (TLV, below), then u32 crc32c of the body.
//   Block*       each: BlockHeader (48 bytes) + one zstd frame of `compressed_size` bytes.
//
// The header body is a list of (varint tag, varint length, bytes) entries so a later version
// can add entries an older reader skips: kTagSchema (u64 varint: hash of the built-in field
// table, informational), kTagBuildId, kTagRuleSet, kTagHost (strings), kTagCreated (zigzag
// varint ns since the epoch), kTagRecording (u64 varint: random id shared by the segments of
// one recording), kTagSegment (varint: 0, 1, 2 ... within the recording).
//
// A block's payload decompresses to `raw_size` bytes holding `record_count` records, each
// `u8 kind, varint length, payload`. The block header carries a crc32c of the compressed
// payload and one of its own first 44 bytes, so a torn or corrupt block is detected before
// anything in it is believed. Blocks are self-contained: the field and category definitions an
// event needs are repeated in each block that uses them, so a reader can skip a corrupt block
// and decode the next one.
//
// Record payloads:
//   kFieldDef     varint field number, u8 FieldType, varint name length, name
//   kCategoryDef  varint category number (>= 1), varint name length, name
//   kShapeDef     varint shape number, varint field count, the field numbers in order: the
//                 fields of events that hold the same fields in the same order (most events of
//                 one kind), numbered per block 0, 1, 2 ... in order of definition
//   kEvent        zigzag varint (event time − previous event's time in this block, ns),
//                 varint category number (0 = none), varint shape number, then for each field
//                 of the shape its value, by the field's type:
//                   string       varint (len << 1 | 0) + bytes: a literal, or
//                                varint (k << 1 | 1): the k-th literal of this block (literals of
//                                kMinCachedString..kMaxCachedString bytes are numbered in order)
//                   int          zigzag varint
//                   uint         varint
//                   bool         u8 0/1
//                   ip           u8 4 + 4 bytes, or u8 16 + 16 bytes
//                   timestamp    zigzag varint of (value − the event time)
//                   string_list  varint count, then each item as a string
//   kAlert        the alert as one ECS JSON line (no newline)
//   kNote         opaque bytes: a decision of the live run that a replay must reproduce
//
// Field numbers are assigned per file in order of first use; names (never registry ids) are
// stored, so a log written by one version reads in another.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wsn::record {

inline constexpr char kFileMagic[8] = {'W', 'S', 'N', 'L', 'O', 'G', '\0', '\x1a'};
inline constexpr uint16_t kFormatVersion = 1;
inline constexpr size_t kFileHeaderFixed = 16;  // magic, version, flags, body length
inline constexpr uint32_t kMaxHeaderBody = 64 << 10;

enum HeaderTag : uint32_t {
  kTagSchema = 1,
  kTagBuildId = 2,
  kTagRuleSet = 3,
  kTagHost = 4,
  kTagCreated = 5,
  kTagRecording = 6,
  kTagSegment = 7,
};

inline constexpr char kBlockMagic[4] = {'W', 'S', 'N', 'B'};
inline constexpr size_t kBlockHeaderSize = 48;
// Offsets inside the block header.
inline constexpr size_t kBhCompressed = 4;   // u32
inline constexpr size_t kBhRaw = 8;          // u32
inline constexpr size_t kBhRecords = 12;     // u32
inline constexpr size_t kBhCodec = 16;       // u32: 1 = zstd
inline constexpr size_t kBhFirstTime = 20;   // i64 ns
inline constexpr size_t kBhLastTime = 28;    // i64 ns
inline constexpr size_t kBhPayloadCrc = 36;  // u32 crc32c of the compressed payload
inline constexpr size_t kBhReserved = 40;    // u32, 0
inline constexpr size_t kBhHeaderCrc = 44;   // u32 crc32c of bytes [0, 44)
inline constexpr uint32_t kCodecZstd = 1;

// Sizes a reader refuses to believe (a corrupt or hostile header must not make it allocate).
inline constexpr uint32_t kMaxRawBlock = 16 << 20;
inline constexpr uint32_t kMaxCompressedBlock = kMaxRawBlock + (1 << 20);
inline constexpr uint32_t kMaxFieldNumber = 1 << 16;
inline constexpr uint32_t kMaxCategoryNumber = 1 << 12;

// Strings that enter a block's back-reference table.
inline constexpr size_t kMinCachedString = 4;
inline constexpr size_t kMaxCachedString = 512;
inline constexpr size_t kMaxCachedStrings = 1 << 16;  // per block

enum class RecordKind : uint8_t {
  kFieldDef = 1,
  kCategoryDef = 2,
  kEvent = 3,
  kAlert = 4,
  kNote = 5,
  kShapeDef = 6,
};

}  // namespace wsn::record
