// Host-side view of the Wasm rule ABI v1 (sdk/include/wsn_abi.h is the shared C half): the
// exports a module must or may provide, the host functions it may import with their exact
// signatures, and the names the rewriter adds. The loader (in the helper process) and both
// tiers use these tables, so a signature is spelled in exactly one place.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "wsn_abi.h"

namespace wsn::wasm {

// Signatures are spelled with one letter per value: 'i' = i32, 'I' = i64.
struct Signature {
  std::string_view params;
  std::string_view results;
};
bool operator==(const Signature& a, const Signature& b);
// "(i32, i32) -> i64" — for error messages.
std::string signature_text(const Signature& s);

enum class HostImport : uint8_t {
  kEmitAlert,
  kLog,
  kGetField,
  kStateGet,
  kStateSet,
  kStateAdd,
  kStateDel,
  kEventTime,
};
inline constexpr size_t kHostImportCount = 8;

struct HostImportInfo {
  HostImport id;
  std::string_view name;  // field name in the "wsn" import module
  Signature sig;
};
inline constexpr std::array<HostImportInfo, kHostImportCount> kHostImports = {{
    {HostImport::kEmitAlert, "emit_alert", {"iiiii", ""}},
    {HostImport::kLog, "log", {"iii", ""}},
    {HostImport::kGetField, "get_field", {"iiii", "i"}},
    {HostImport::kStateGet, "state_get", {"ii", "I"}},
    {HostImport::kStateSet, "state_set", {"iiII", ""}},
    {HostImport::kStateAdd, "state_add", {"iiII", "I"}},
    {HostImport::kStateDel, "state_del", {"ii", "i"}},
    {HostImport::kEventTime, "event_time", {"", "I"}},
}};
const HostImportInfo* find_host_import(std::string_view name);

// Exports the host calls. Order is used as an index by both tiers.
enum class Export : uint8_t {
  kInitialize,       // _initialize (WASI reactor constructors), optional
  kEventBuffer,      // wsn_event_buffer, required
  kEventBufferSize,  // wsn_event_buffer_size, required
  kInit,             // wsn_init, optional
  kOnEvent,          // wsn_on_event, required
  kTick,             // wsn_tick, optional
};
inline constexpr size_t kExportCount = 6;

struct ExportInfo {
  Export id;
  std::string_view name;
  Signature sig;
  bool required;
};
inline constexpr std::array<ExportInfo, kExportCount> kExports = {{
    {Export::kInitialize, "_initialize", {"", ""}, false},
    {Export::kEventBuffer, "wsn_event_buffer", {"", "i"}, true},
    {Export::kEventBufferSize, "wsn_event_buffer_size", {"", "i"}, true},
    {Export::kInit, "wsn_init", {"i", "i"}, false},
    {Export::kOnEvent, "wsn_on_event", {"i", "i"}, true},
    {Export::kTick, "wsn_tick", {"I", "i"}, false},
}};
inline const ExportInfo& export_info(Export e) {
  return kExports[static_cast<size_t>(e)];
}

// The version marker: `wsn_abi_v<major>`, a () -> () function.
inline constexpr std::string_view kMarkerPrefix = "wsn_abi_v";
inline constexpr std::string_view kMarkerV1 = "wsn_abi_v1";

// Added by the rewriter (names starting with "wsn_" are reserved for the ABI).
inline constexpr std::string_view kFuelExport = "wsn_host_fuel";    // mutable i64
inline constexpr std::string_view kDepthExport = "wsn_host_depth";  // mutable i32
// Deadline checks: function entries and loop headers compare the fuel left with this mutable
// i64 (not with 0); below it, they call the imported `wsn.wsn_host_deadline` (i64 fuel) ->
// (i64), which traps when the call's wall-clock deadline has passed and otherwise returns the
// next checkpoint (next_checkpoint), kDeadlineCheckFuel lower. The clock is read at points fixed by fuel alone, about every 100 us of
// compiled code, and the common path costs nothing more than the fuel check did.
inline constexpr std::string_view kCheckpointExport = "wsn_host_checkpoint";
inline constexpr std::string_view kDeadlineImport = "wsn_host_deadline";
inline constexpr int64_t kDeadlineCheckFuel = 100'000;
// The checkpoint after a check at `fuel` left: never negative, so fuel < 0 is always below it.
constexpr int64_t next_checkpoint(int64_t fuel) {
  return fuel > kDeadlineCheckFuel ? fuel - kDeadlineCheckFuel : 0;
}

// Bumped whenever the rewriter's output for the same input changes (part of the AOT cache key).
inline constexpr uint32_t kRewriteVersion = 2;

// Metering costs shared by both tiers (they run the same rewritten bytes).
inline constexpr int64_t kFuelPerGrowPage = 1024;  // memory.grow, per 64 KiB page
inline constexpr int kFuelBulkShift = 6;           // bulk memory: 1 fuel per 64 bytes
inline constexpr uint32_t kFrameWeightSlots = 16;  // depth weight: 1 + slots / 16

// Fuel host functions charge (HostEnv, the same in both tiers), before doing the work, so a
// module looping on host calls runs out of fuel like one looping on instructions. Roughly the
// host's own cost in nanoseconds, as one fuel is about one nanosecond of compiled code.
inline constexpr int64_t kHostFuelCall = 100;    // any host call
inline constexpr int64_t kHostFuelState = 400;   // state_*: hashing, an ordered index
inline constexpr int64_t kHostFuelLog = 5000;    // a delivered log line: formatting, a write
inline constexpr int64_t kHostFuelAlert = 2000;  // an alert: a detection down the pipeline
inline constexpr int64_t kHostFuelPerByte = 1;   // each byte copied in or out

inline constexpr uint32_t kMinEventBuffer = 64;
inline constexpr uint32_t kWasmPageBytes = 65536;

}  // namespace wsn::wasm
