// A rule module's metadata: the `wsn.meta` custom section (docs/wasm-abi.md), UTF-8 lines of
// `key = value`, `#` comments. It names the module, the ABI version it targets, the event
// categories it wants and the fields it reads; the host resolves names to ids once at load
// and then calls the module only for those categories, serialising only those fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/result.h"
#include "wsn/schema.h"

namespace wsn::wasm {

struct ModuleMeta {
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::string name;
  std::string version;
  std::vector<std::string> categories;   // empty or "*": every category
  std::vector<std::string> fields;       // serialised into each record, slot k = fields[k]
  std::vector<std::string> lazy_fields;  // read on demand with get_field (index after fields)
  uint32_t tick_ms = 0;                  // 0: no wsn_tick calls
};

inline constexpr size_t kMaxMetaBytes = 64 * 1024;
inline constexpr size_t kMaxDeclaredFields = 256;

// Parses the section text. Errors name the line: "wsn.meta line 3: unknown key 'feilds'".
Result<ModuleMeta> parse_module_meta(std::string_view text);

// Names resolved against the running schema.
struct BoundMeta {
  std::vector<FieldId> fields;
  std::vector<FieldType> field_types;
  std::vector<FieldId> lazy_fields;
  std::vector<FieldType> lazy_types;
  bool all_categories = true;
  std::vector<CategoryId> categories;
};

// Fails on a field or category name the registry does not know.
Result<BoundMeta> bind_module_meta(const ModuleMeta& meta, FieldRegistry& registry);

}  // namespace wsn::wasm
