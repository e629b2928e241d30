// Field schema registry: ECS field names ↔ dense ids ↔ types.
//
// Built-in ECS fields have fixed ids (wsn::fields::k...). Fields not in the schema are
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

namespace wsn {

using FieldId = uint16_t;
inline constexpr FieldId kInvalidField = 0xFFFF;

enum class FieldType : uint8_t { kString, kInt, kUInt, kBool, kIp, kTimestamp, kStringList };

std::string_view field_type_name(FieldType t);
std::optional<FieldType> parse_field_type(std::string_view name);

namespace fields {
namespace detail {
enum : FieldId {
#define WSN_FIELD(id, name, type) id,
#include "wsn/fields.def"
#undef WSN_FIELD
  kBuiltinCount
};
}  // namespace detail
#define WSN_FIELD(id, name, type) inline constexpr FieldId id = detail::id;
#include "wsn/fields.def"
#undef WSN_FIELD
inline constexpr FieldId kBuiltinCount = detail::kBuiltinCount;
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
inline constexpr CategoryId kBuiltinCount = 6;
}  // namespace categories

class FieldRegistry {
 public:
  static constexpr size_t kMaxFields = 8192;  // unknown-field growth is bounded
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

  std::unordered_map<std::string, CategoryId> category_by_name_;
  std::unique_ptr<std::unique_ptr<std::string>[]> category_names_;
  std::atomic<size_t> category_count_{0};
};

}  // namespace wsn
