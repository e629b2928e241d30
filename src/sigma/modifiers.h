// Sigma values and value modifiers (SigmaHQ/sigma-specification, appendix "Modifiers"): one
// detection item `field|mod|mod: value(s)` → one EQL condition over the mapped event field.
//
// Strings follow Sigma: `*` matches any run of characters, `?` one character, `\*` `\?` `\\`
// are the literal characters, and matching is case-insensitive unless `cased`. A value with a
// literal `*`/`?` (escaped) compiles to a regular expression, the others to EQL's `:` (`like`,
// `==` when cased). Transformations (`wide`/`utf16*`, `base64`, `base64offset`, `windash`,
// `expand`, `contains`/`startswith`/`endswith`) apply in the order written, as pySigma does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wsn/schema.h"

namespace wsn::sigma {

// A Sigma string: bytes, each a literal or a wildcard.
struct SigmaString {
  enum Kind : uint8_t { kLit, kStar, kOne };
  std::string bytes;        // wildcards are stored as '*' / '?'
  std::vector<Kind> kinds;  // one per byte

  static SigmaString parse(const std::string& value);  // with Sigma's `\` escapes
  static SigmaString literal(const std::string& value);
  bool has_wildcards() const;
  bool has_literal_meta() const;  // a literal '*' or '?' (EQL's `:` cannot express it)
  void add_star_front();
  void add_star_back();
};

// One value of a detection item as YAML gave it.
struct RawValue {
  enum Type : uint8_t { kString, kNull, kBool, kNumber } type = kString;
  std::string text;  // kString / kNumber / kBool as written
};

// Where an event field lives and what type it has (decides `==` vs `:`).
struct TargetField {
  std::string eql;  // as an EQL field reference (`?x.y` for fields the schema does not know)
  FieldType type = FieldType::kString;
  std::vector<std::pair<std::string, std::string>> value_map;  // sigma value (lower) → event
};

// Resolves a Sigma field name for `fieldref`; false when it has no mapping.
using FieldResolver = bool (*)(const void* ctx, const std::string& sigma_field, TargetField& out);

struct ItemRequest {
  std::vector<TargetField> fields;  // one field; several for keywords (any of them)
  bool keyword = false;             // values without a field name: searched as `*value*`
  std::vector<std::string> modifiers;
  std::vector<RawValue> values;
  // Placeholders for `expand` (name → values); null: none configured.
  const std::map<std::string, std::vector<std::string>>* placeholders = nullptr;
  const void* resolver_ctx = nullptr;
  FieldResolver resolve = nullptr;
};

// The EQL condition, or an error message (`error` set, with `bad_modifier` the index of the
// offending modifier or -1 for the value).
struct ItemResult {
  std::string eql;
  std::string error;
  int bad_modifier = -1;
};

ItemResult translate_item(const ItemRequest& req);

// Helpers shared with the rule translator.
std::string eql_field(const std::string& name, bool optional);
std::string base64_encode(const std::string& bytes);
// pySigma's base64offset: the three encodings of `bytes` at offsets 0, 1, 2, cut to their
// position-independent middle.
std::vector<std::string> base64_offsets(const std::string& bytes);

}  // namespace wsn::sigma
