#include "wsn/schema.h"

#include "wsn/event.h"

namespace wsn {

std::string_view field_type_name(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "string";
    case FieldType::kInt:
      return "int";
    case FieldType::kUInt:
      return "uint";
    case FieldType::kBool:
      return "bool";
    case FieldType::kIp:
      return "ip";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kStringList:
      return "string_list";
  }
  return "string";
}

std::optional<FieldType> parse_field_type(std::string_view name) {
  for (auto t : {FieldType::kString, FieldType::kInt, FieldType::kUInt, FieldType::kBool,
                 FieldType::kIp, FieldType::kTimestamp, FieldType::kStringList}) {
    if (field_type_name(t) == name) return t;
  }
  return std::nullopt;
}

namespace {
struct BuiltinField {
  const char* name;
  FieldType type;
  FieldId fixed;  // the identifier's id, kInvalidField for rows without one
};
constexpr BuiltinField kBuiltins[] = {
#define WSN_FIELD(id, name, type) {name, FieldType::type, fields::id},
#define WSN_ECS_FIELD(name, type) {name, FieldType::type, kInvalidField},
#include "wsn/fields.def"
#undef WSN_ECS_FIELD
#undef WSN_FIELD
};
static_assert(std::size(kBuiltins) == fields::kBuiltinCount);

// An identified row placed after an unidentified one would get an id that is not its position.
consteval bool identified_rows_come_first() {
  for (size_t k = 0; k < std::size(kBuiltins); ++k) {
    if ((k < fields::kIdentifiedCount) != (kBuiltins[k].fixed != kInvalidField)) return false;
    if (kBuiltins[k].fixed != kInvalidField && kBuiltins[k].fixed != k) return false;
  }
  return true;
}
static_assert(identified_rows_come_first(), "WSN_FIELD rows must precede WSN_ECS_FIELD rows");
// Collectors set identified fields on every event: they must be directly indexed.
static_assert(fields::kIdentifiedCount <= Event::kIndexedFields);
static_assert(fields::kBuiltinCount + 1024 <= FieldRegistry::kMaxFields,
              "keep room for unknown and configured fields");

constexpr const char* kBuiltinCategories[] = {"unknown", "process",        "file", "network",
                                              "driver",  "authentication", "iam"};
static_assert(std::size(kBuiltinCategories) == categories::kBuiltinCount);
}  // namespace

FieldRegistry::FieldRegistry()
    : entries_(new std::unique_ptr<FieldInfo>[kMaxFields]),
      mismatches_(new std::atomic<uint64_t>[kMaxFields]()),
      category_names_(new std::unique_ptr<std::string>[kMaxCategories]) {
  by_name_.reserve(std::size(kBuiltins) * 2);
  for (const auto& b : kBuiltins) {
    const auto id = static_cast<FieldId>(size_.load());
    entries_[id] = std::make_unique<FieldInfo>(FieldInfo{b.name, b.type, true});
    by_name_.emplace(b.name, id);
    size_.store(id + 1u);
  }
  for (const char* c : kBuiltinCategories) intern_category(c);
}

FieldId FieldRegistry::find(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? kInvalidField : it->second;
}

FieldId FieldRegistry::intern(std::string_view name, FieldType type) {
  if (FieldId id = find(name); id != kInvalidField) return id;
  std::unique_lock lock(mu_);
  auto it = by_name_.find(std::string(name));
  if (it != by_name_.end()) return it->second;
  const size_t n = size_.load(std::memory_order_relaxed);
  if (n >= kMaxFields) {
    overflow_.fetch_add(1, std::memory_order_relaxed);
    return kInvalidField;
  }
  const auto id = static_cast<FieldId>(n);
  entries_[id] = std::make_unique<FieldInfo>(FieldInfo{std::string(name), type, false});
  by_name_.emplace(std::string(name), id);
  size_.store(n + 1, std::memory_order_release);
  return id;
}

bool FieldRegistry::define(std::string_view name, FieldType type) {
  const FieldId id = intern(name, type);
  if (id == kInvalidField) return false;
  std::unique_lock lock(mu_);
  FieldInfo& info = *entries_[id];
  if (info.type == type) return true;
  if (info.builtin) return false;
  info.type = type;
  return true;
}

std::vector<std::pair<FieldId, uint64_t>> FieldRegistry::type_mismatch_counts() const {
  std::vector<std::pair<FieldId, uint64_t>> out;
  const size_t n = size();
  for (size_t id = 0; id < n; ++id) {
    if (const uint64_t c = mismatches_[id].load(std::memory_order_relaxed); c != 0) {
      out.emplace_back(static_cast<FieldId>(id), c);
    }
  }
  return out;
}

CategoryId FieldRegistry::find_category(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = category_by_name_.find(std::string(name));
  return it == category_by_name_.end() ? categories::kUnknown : it->second;
}

CategoryId FieldRegistry::intern_category(std::string_view name) {
  {
    std::shared_lock lock(mu_);
    auto it = category_by_name_.find(std::string(name));
    if (it != category_by_name_.end()) return it->second;
  }
  std::unique_lock lock(mu_);
  auto it = category_by_name_.find(std::string(name));
  if (it != category_by_name_.end()) return it->second;
  const size_t n = category_count_.load(std::memory_order_relaxed);
  if (n >= kMaxCategories) return categories::kUnknown;
  const auto id = static_cast<CategoryId>(n);
  category_names_[id] = std::make_unique<std::string>(name);
  category_by_name_.emplace(std::string(name), id);
  category_count_.store(n + 1, std::memory_order_release);
  return id;
}

std::string_view FieldRegistry::category_name(CategoryId id) const {
  if (id >= category_count_.load(std::memory_order_acquire)) return "unknown";
  return *category_names_[id];
}

}  // namespace wsn
