// Field schema registry: ECS field names ↔ dense ids ↔ types.
//
// Built-in fields come from one table, wsn/fields.def (ECS, the Elastic Defend extensions that
// Elastic's Linux rules read): every row is a typed field from construction on, ids in file
// order; the rows collectors set have identifiers (wsn::fields::k...). Fields not in the schema are
// registered on first sight as strings ("unknown fields are kept"), or with a type when a
// deployment extends the schema (config `schema.fields`, or a test adapting another dialect).
// Names are resolved to ids once — when a rule loads or a reader meets a key — and never per
// event on the hot path.
//
// Thread safety: lookups and registration may run concurrently from any thread. info(id) is
// lock-free for any id that a caller obtained from this registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace wsn {

using FieldId = uint16_t;
inline constexpr FieldId kInvalidField = 0xFFFF;

enum class FieldType : uint8_t { kString, kInt, kUInt, kBool, kIp, kTimestamp, kStringList };

std::string_view field_type_name(FieldType t);
std::optional<FieldType> parse_field_type(std::string_view name);

namespace fields {
namespace detail {
// Identified rows come first in the table, so their enum position is their field id.
enum : FieldId {
#define WSN_FIELD(id, name, type) id,
#define WSN_ECS_FIELD(name, type)
#include "wsn/fields.def"
#undef WSN_ECS_FIELD
#undef WSN_FIELD
  kIdentifiedCount
};
// One byte per row of the table, to count all of them.
inline constexpr unsigned char kRows[] = {
#define WSN_FIELD(id, name, type) 0,
#define WSN_ECS_FIELD(name, type) 0,
#include "wsn/fields.def"
#undef WSN_ECS_FIELD
#undef WSN_FIELD
};
}  // namespace detail
#define WSN_FIELD(id, name, type) inline constexpr FieldId id = detail::id;
#define WSN_ECS_FIELD(name, type)
#include "wsn/fields.def"
#undef WSN_ECS_FIELD
#undef WSN_FIELD
// Fields with a C++ identifier (ids 0 .. kIdentifiedCount-1).
inline constexpr FieldId kIdentifiedCount = detail::kIdentifiedCount;
// All built-in fields (ids 0 .. kBuiltinCount-1).
inline constexpr FieldId kBuiltinCount = sizeof(detail::kRows);
}  // namespace fields

struct FieldInfo {
  std::string name;
  FieldType type = FieldType::kString;
  bool builtin = false;
};

// Event categories (`event.category`, the EQL `process where`) are interned to small ids so
// rules can be indexed by category.
using CategoryId = uint16_t;
namespace categories {
inline constexpr CategoryId kUnknown = 0;
inline constexpr CategoryId kProcess = 1;
inline constexpr CategoryId kFile = 2;
inline constexpr CategoryId kNetwork = 3;
inline constexpr CategoryId kDriver = 4;
inline constexpr CategoryId kAuthentication = 5;
inline constexpr CategoryId kIam = 6;
inline constexpr CategoryId kBuiltinCount = 7;
}  // namespace categories

class FieldRegistry {
 public:
  // Unknown-field growth is bounded; ~14k names stay free above the ~2.2k built-ins.
  static constexpr size_t kMaxFields = 16384;
  static constexpr size_t kMaxCategories = 1024;

  FieldRegistry();
  FieldRegistry(const FieldRegistry&) = delete;
  FieldRegistry& operator=(const FieldRegistry&) = delete;

  // Id of `name`, or kInvalidField when it is not registered.
  FieldId find(std::string_view name) const;
  // Id of `name`, registering it with `type` if new. Returns kInvalidField when the table is
  // full (counted in overflow_count()). An existing field keeps its type.
  FieldId intern(std::string_view name, FieldType type = FieldType::kString);
  // Registers or re-types a field (schema extension). Fails (returns false) for built-ins whose
  // type differs, or a full table.
  bool define(std::string_view name, FieldType type);

  const FieldInfo& info(FieldId id) const { return *entries_[id]; }
  FieldType type(FieldId id) const { return entries_[id]->type; }
  size_t size() const { return size_.load(std::memory_order_acquire); }
  uint64_t overflow_count() const { return overflow_.load(std::memory_order_relaxed); }

  // Values that arrived with a type their field's declared type cannot take losslessly (the
  // reader rejects such a line with a reason; this keeps the per-field tally for metrics,
  // wsn_field_type_mismatches_total{field}). Lock-free; ids >= kMaxFields are ignored.
  void note_type_mismatch(FieldId id) {
    if (id < kMaxFields) mismatches_[id].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t type_mismatches(FieldId id) const {
    return id < kMaxFields ? mismatches_[id].load(std::memory_order_relaxed) : 0;
  }
  // (field, count) of every field with a non-zero count, by id.
  std::vector<std::pair<FieldId, uint64_t>> type_mismatch_counts() const;

  CategoryId find_category(std::string_view name) const;  // kUnknown when absent
  CategoryId intern_category(std::string_view name);      // kUnknown when the table is full
  std::string_view category_name(CategoryId id) const;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, FieldId> by_name_;
  // Fixed-capacity array of stable pointers so info() needs no lock.
  std::unique_ptr<std::unique_ptr<FieldInfo>[]> entries_;
  std::atomic<size_t> size_{0};
  std::atomic<uint64_t> overflow_{0};
  // kMaxFields counters, allocated once (no per-event or per-field allocation later).
  std::unique_ptr<std::atomic<uint64_t>[]> mismatches_;

  std::unordered_map<std::string, CategoryId> category_by_name_;
  std::unique_ptr<std::unique_ptr<std::string>[]> category_names_;
  std::atomic<size_t> category_count_{0};
};

}  // namespace wsn
