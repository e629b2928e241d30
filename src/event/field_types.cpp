#include "event/field_types.h"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "wsn/event.h"

namespace wsn {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

struct EsName {
  std::string_view name;
  EsTypeMapping mapping;
};

using K = EsTypeMapping::Kind;
// Elasticsearch field data types (reference/mapping/types), grouped as this engine reads them.
constexpr EsName kEsTypes[] = {
    // Keyword family and text: strings.
    {"keyword", {K::kMapped, FieldType::kString}},
    {"constant_keyword", {K::kMapped, FieldType::kString}},
    {"wildcard", {K::kMapped, FieldType::kString}},
    {"text", {K::kMapped, FieldType::kString}},
    {"match_only_text", {K::kMapped, FieldType::kString}},
    {"search_as_you_type", {K::kMapped, FieldType::kString}},
    {"version", {K::kMapped, FieldType::kString}},
    // Integers.
    {"long", {K::kMapped, FieldType::kInt}},
    {"integer", {K::kMapped, FieldType::kInt}},
    {"short", {K::kMapped, FieldType::kInt}},
    {"byte", {K::kMapped, FieldType::kInt}},
    {"token_count", {K::kMapped, FieldType::kInt}},
    {"unsigned_long", {K::kMapped, FieldType::kUInt}},
    // Floating point: no such type here.
    {"double", {K::kFloat, FieldType::kString}},
    {"float", {K::kFloat, FieldType::kString}},
    {"half_float", {K::kFloat, FieldType::kString}},
    {"scaled_float", {K::kFloat, FieldType::kString}},
    {"boolean", {K::kMapped, FieldType::kBool}},
    {"date", {K::kMapped, FieldType::kTimestamp}},
    {"date_nanos", {K::kMapped, FieldType::kTimestamp}},
    {"ip", {K::kMapped, FieldType::kIp}},
    {"object", {K::kObject, FieldType::kString}},
    {"nested", {K::kObject, FieldType::kString}},
    {"flattened", {K::kUntyped, FieldType::kString}},
    {"alias", {K::kAlias, FieldType::kString}},
};

bool compatible(FieldType builtin, FieldType declared) {
  auto family = [](FieldType t) {
    switch (t) {
      case FieldType::kStringList:
        return FieldType::kString;
      case FieldType::kUInt:
        return FieldType::kInt;
      default:
        return t;
    }
  };
  return family(builtin) == family(declared);
}

std::string describe(const FieldTypeDecl& d) {
  std::string out = d.declared;
  if (d.declared != field_type_name(d.type)) {
    out += " (";
    out += field_type_name(d.type);
    out += ')';
  }
  return out;
}

// By value: the simdjson_result temporaries must not be referenced past their statement.
simdjson::dom::array as_array(const element& v) {
  return v.get_array().value_unsafe();
}
object as_object(const element& v) {
  return v.get_object().value_unsafe();
}

std::optional<std::string_view> string_member(const object& o, std::string_view key) {
  element v;
  if (o.at_key(key).get(v) != simdjson::SUCCESS) return std::nullopt;
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

std::optional<object> object_member(const object& o, std::string_view key) {
  element v;
  if (o.at_key(key).get(v) != simdjson::SUCCESS) return std::nullopt;
  object r;
  if (v.get_object().get(r) != simdjson::SUCCESS) return std::nullopt;
  return r;
}

class FileParser {
 public:
  FileParser(std::string_view path, FieldTypeFile& out) : path_(path), out_(out) {}

  void warn(const std::string& msg) {
    out_.warnings.push_back(std::string(path_) + ": warning: " + msg);
  }
  void fail(const std::string& msg) {
    out_.errors.push_back(std::string(path_) + ": error: " + msg);
  }

  void add(std::string name, FieldType type, std::string_view declared) {
    if (auto it = index_.find(name); it != index_.end()) {
      const FieldTypeDecl& prev = out_.fields[it->second];
      if (prev.type != type) {
        FieldTypeDecl now{name, type, std::string(declared)};
        fail("field '" + name + "' is declared both " + describe(prev) + " and " + describe(now));
      }
      return;
    }
    index_.emplace(name, out_.fields.size());
    out_.fields.push_back({std::move(name), type, std::string(declared)});
  }

  // One `properties` object of a mapping; `prefix` is the enclosing object's dotted name.
  void properties(const object& props, const std::string& prefix, size_t depth) {
    if (depth > 64) {
      fail("mapping nested deeper than 64 objects at '" + prefix + "'");
      return;
    }
    for (auto [key, value] : props) {
      const std::string name = prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
      object def;
      if (value.get_object().get(def) != simdjson::SUCCESS) {
        warn("mapping of field '" + name + "' is not an object; ignored");
        continue;
      }
      const auto type = string_member(def, "type");
      const auto sub = object_member(def, "properties");
      if (!type) {
        if (sub) {
          properties(*sub, name, depth + 1);
        } else {
          warn("field '" + name + "' has no type; left untyped");
        }
        continue;
      }
      // Multi-fields (`fields`) index the same value another way; they never appear in a
      // document, so they are not fields of an event.
      const EsTypeMapping m = elasticsearch_field_type(*type);
      switch (m.kind) {
        case K::kMapped:
          add(name, m.type, *type);
          break;
        case K::kFloat:
          warn("field '" + name + "' is " + std::string(*type) +
               ": no floating-point type here; its values are kept as text (string)");
          add(name, FieldType::kString, *type);
          break;
        case K::kObject:
          if (sub) properties(*sub, name, depth + 1);
          break;
        case K::kUntyped:
          break;
        case K::kAlias:
          if (auto target = string_member(def, "path")) {
            aliases_.emplace_back(name, std::string(*target));
          } else {
            warn("alias field '" + name + "' has no path; ignored");
          }
          break;
        case K::kUnknown:
          warn("field '" + name + "': Elasticsearch type '" + std::string(*type) +
               "' has no counterpart here; left untyped");
          break;
      }
    }
  }

  // The value of "mappings" (or a bare mapping body).
  void mappings(const object& m) {
    if (auto props = object_member(m, "properties")) {
      properties(*props, "", 0);
      return;
    }
    // Elasticsearch 6 and older: {"mappings":{"_doc":{"properties":...}}}.
    bool any = false;
    for (auto [key, value] : m) {
      object typed;
      if (value.get_object().get(typed) != simdjson::SUCCESS) continue;
      if (auto props = object_member(typed, "properties")) {
        properties(*props, "", 0);
        any = true;
      }
    }
    if (!any && m.size() > 0) warn("mapping has no 'properties'; no field declared");
  }

  void resolve_aliases() {
    for (const auto& [name, target] : aliases_) {
      auto it = index_.find(target);
      if (it == index_.end()) {
        warn("alias field '" + name + "' points to '" + target +
             "', which this file does not type; left untyped");
        continue;
      }
      const FieldTypeDecl d = out_.fields[it->second];
      add(name, d.type, d.declared);
    }
  }

  void simple(const object& root) {
    for (auto [key, value] : root) {
      const std::string name(key);
      std::string_view t;
      if (value.get_string().get(t) != simdjson::SUCCESS) {
        fail("field '" + name + "': expected a type name (string), e.g. \"int\" or \"long\"");
        continue;
      }
      if (auto own = parse_field_type(t)) {
        add(name, *own, t);
        continue;
      }
      const EsTypeMapping m = elasticsearch_field_type(t);
      if (m.kind == K::kMapped) {
        add(name, m.type, t);
      } else if (m.kind == K::kFloat) {
        warn("field '" + name + "' is " + std::string(t) +
             ": no floating-point type here; its values are kept as text (string)");
        add(name, FieldType::kString, t);
      } else {
        fail("field '" + name + "': unknown type '" + std::string(t) +
             "' (known: string, int, uint, bool, ip, timestamp, string_list, or an Elasticsearch "
             "field type such as keyword, long, boolean, date, ip)");
      }
    }
  }

 private:
  std::string_view path_;
  FieldTypeFile& out_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::pair<std::string, std::string>> aliases_;
};

}  // namespace

EsTypeMapping elasticsearch_field_type(std::string_view es_type) {
  for (const EsName& e : kEsTypes) {
    if (e.name == es_type) return e.mapping;
  }
  return {};
}

FieldTypeFile parse_field_type_file(std::string_view text, std::string_view path) {
  FieldTypeFile out;
  FileParser p(path, out);
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(text);
  element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    p.fail(std::string("not valid JSON: ") + simdjson::error_message(err) +
           " (expected {\"field\": \"type\"} or an Elasticsearch index mapping)");
    return out;
  }
  object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) {
    p.fail("expected a JSON object ({\"field\": \"type\"} or an Elasticsearch index mapping)");
    return out;
  }
  if (auto m = object_member(top, "mappings")) {
    out.format = FieldTypeFile::Format::kElasticsearchMapping;
    p.mappings(*m);
  } else if (object_member(top, "properties")) {
    out.format = FieldTypeFile::Format::kElasticsearchMapping;
    p.mappings(top);
  } else {
    // GET <index>/_mapping: {"index-a":{"mappings":{...}}, "index-b":{...}}.
    bool all_indices = top.size() > 0;
    for (auto [key, value] : top) {
      object idx;
      if (value.get_object().get(idx) != simdjson::SUCCESS || !object_member(idx, "mappings")) {
        all_indices = false;
        break;
      }
    }
    if (all_indices) {
      out.format = FieldTypeFile::Format::kElasticsearchMapping;
      for (auto [key, value] : top) p.mappings(*object_member(as_object(value), "mappings"));
    } else {
      p.simple(top);
    }
  }
  p.resolve_aliases();
  return out;
}

FieldTypeFile read_field_type_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    FieldTypeFile out;
    out.errors.push_back(path + ": error: cannot open the field-type file");
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_field_type_file(ss.str(), path);
}

size_t apply_field_types(const FieldTypeFile& file, std::string_view path, FieldRegistry& registry,
                         std::vector<std::string>& errors) {
  size_t n = 0;
  for (const FieldTypeDecl& d : file.fields) {
    const FieldId id = registry.find(d.name);
    if (id != kInvalidField && registry.info(id).builtin) {
      const FieldType builtin = registry.type(id);
      if (!compatible(builtin, d.type)) {
        errors.push_back(std::string(path) + ": error: field '" + d.name + "' is declared " +
                         describe(d) + " but its built-in type is " +
                         std::string(field_type_name(builtin)));
        ++n;
      }
      continue;
    }
    if (!registry.define(d.name, d.type)) {
      errors.push_back(std::string(path) + ": error: field '" + d.name +
                       "' cannot be registered (the field table is full)");
      ++n;
    }
  }
  return n;
}

// ---- inference ----------------------------------------------------------------------------

namespace {
enum Seen : uint8_t {
  kSeenInt = 1,      // integral, fits int64
  kSeenBigUint = 2,  // integral above INT64_MAX
  kSeenFloat = 4,    // fractional (or written with a fraction/exponent)
  kSeenString = 8,   // a string that is not an IP address
  kSeenIp = 16,      // a string that parses as an IP address
  kSeenBool = 32,
  kSeenArray = 64,  // an array of scalars of one kind (the reader's string list)
  kSeenJson = 128,  // an array of objects or arrays, or of mixed kinds (kept as JSON text)
};
struct Tally {
  uint8_t bits = 0;
  bool negative = false;
};
}  // namespace

struct FieldTypeInference::Impl {
  simdjson::dom::parser parser;
  std::unordered_map<std::string, Tally> tallies;
  std::unordered_map<std::string, bool> known;  // registry lookups, cached
  bool is_known(const FieldRegistry& reg, const std::string& n) {
    if (auto it = known.find(n); it != known.end()) return it->second;
    const bool k = reg.find(n) != kInvalidField;
    if (known.size() < (size_t{1} << 16)) known.emplace(n, k);
    return k;
  }
};

FieldTypeInference::FieldTypeInference(const FieldRegistry& registry, size_t max_depth)
    : registry_(registry), max_depth_(max_depth), impl_(std::make_unique<Impl>()) {}
FieldTypeInference::~FieldTypeInference() = default;

namespace {
uint8_t scalar_kind(const element& v, bool& negative) {
  switch (v.type()) {
    case element_type::INT64:
      if (v.get_int64().value_unsafe() < 0) negative = true;
      return kSeenInt;
    case element_type::UINT64:
      return kSeenBigUint;
    case element_type::DOUBLE:
      return kSeenFloat;
    case element_type::BOOL:
      return kSeenBool;
    case element_type::STRING: {
      IpAddress ip;
      return IpAddress::parse(v.get_string().value_unsafe(), ip) ? kSeenIp : kSeenString;
    }
    default:
      return 0;
  }
}

uint8_t array_kind(const element& v) {
  int kind = -1;  // as the reader's infer_type: 0 string, 1 number, 2 bool
  for (element x : as_array(v)) {
    const element_type t = x.type();
    const int k =
        t == element_type::STRING                                                              ? 0
        : (t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE) ? 1
        : t == element_type::BOOL                                                              ? 2
                                                                                               : 3;
    if (k == 3 || (kind >= 0 && k != kind)) return kSeenJson;
    kind = k;
  }
  return kSeenArray;
}
}  // namespace

void FieldTypeInference::add_line(std::string_view line) {
  element root;
  if (impl_->parser.parse(line.data(), line.size(), true).get(root) != simdjson::SUCCESS) return;
  object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) return;
  Impl& s = *impl_;
  // Iterative walk over nested objects: (object, length of the prefix in s.name, depth).
  struct Frame {
    object o;
    size_t prefix;
    size_t depth;
  };
  std::vector<Frame> stack{{top, 0, 1}};
  std::vector<std::string> prefixes{""};
  while (!stack.empty()) {
    const Frame f = stack.back();
    stack.pop_back();
    const std::string prefix = prefixes[f.prefix];
    for (auto [key, value] : f.o) {
      std::string name = prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
      const element_type t = value.type();
      if (t == element_type::OBJECT) {
        // Objects below a known field are the reader's error to report.
        if (f.depth < max_depth_ && !s.is_known(registry_, name)) {
          prefixes.push_back(std::move(name));
          stack.push_back({as_object(value), prefixes.size() - 1, f.depth + 1});
        }
        continue;
      }
      if (t == element_type::NULL_VALUE || s.is_known(registry_, name)) continue;
      Tally& tally = s.tallies[name];
      tally.bits |=
          t == element_type::ARRAY ? array_kind(value) : scalar_kind(value, tally.negative);
    }
  }
}

std::vector<FieldTypeInference::Inferred> FieldTypeInference::result() const {
  std::vector<Inferred> out;
  for (const auto& [name, tally] : impl_->tallies) {
    const uint8_t b = tally.bits;
    if (b == 0) continue;
    Inferred r;
    r.name = name;
    if (b & (kSeenInt | kSeenBigUint)) r.seen.emplace_back("integer");
    if (b & kSeenFloat) r.seen.emplace_back("float");
    if (b & kSeenString) {
      r.seen.emplace_back("string");
    } else if (b & kSeenIp) {
      r.seen.emplace_back("ip");
    }
    if (b & kSeenBool) r.seen.emplace_back("bool");
    if (b & (kSeenArray | kSeenJson)) r.seen.emplace_back("array");
    const auto only = [b](uint8_t allowed) { return (b & ~allowed) == 0; };
    if (b == kSeenInt) {
      r.type = FieldType::kInt;
    } else if (only(kSeenInt | kSeenBigUint) && !tally.negative) {
      r.type = FieldType::kUInt;
    } else if (only(kSeenInt | kSeenBigUint | kSeenFloat) &&
               !((b & kSeenBigUint) != 0 && tally.negative)) {
      r.type = FieldType::kString;  // fractional numbers: no floating-point type, kept as text
    } else if (b == kSeenIp) {
      r.type = FieldType::kIp;
    } else if (only(kSeenString | kSeenIp)) {
      r.type = FieldType::kString;
    } else if (b == kSeenBool) {
      r.type = FieldType::kBool;
    } else if ((b & kSeenArray) && only(kSeenArray | kSeenString | kSeenIp)) {
      r.type = FieldType::kStringList;  // the reader takes a lone string as a one-element list
    } else if (b == kSeenJson) {
      r.type = FieldType::kString;  // arrays of objects: kept as JSON text
    } else {
      r.type = FieldType::kString;
      r.ambiguous = true;
    }
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(),
            [](const Inferred& a, const Inferred& b) { return a.name < b.name; });
  return out;
}

std::vector<std::string> FieldTypeInference::apply(FieldRegistry& registry,
                                                   std::string_view source) const {
  std::vector<std::string> warnings;
  for (const Inferred& r : result()) {
    if (registry.find(r.name) != kInvalidField) continue;
    registry.define(r.name, r.type);
    if (r.ambiguous) {
      std::string seen;
      for (const auto& s : r.seen) seen += (seen.empty() ? "" : ", ") + s;
      warnings.push_back("field '" + r.name + "' has values of more than one type (" + seen +
                         ") in " + std::string(source) + "; typed string");
    }
  }
  return warnings;
}

}  // namespace wsn
