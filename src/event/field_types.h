// Types for fields the built-in schema does not know, from outside the configuration:
//
//  - a field-type file (`--fields FILE`, docs/cli.md "Field types"), either a flat JSON object
//    {"name": "type", ...} (this engine's type names, or Elasticsearch type names), or an
//    Elasticsearch index mapping (`{"mappings":{"properties":{...}}}`, the bare mapping body
//    `{"properties":{...}}`, or the GET _mapping response `{"index":{"mappings":...}, ...}`);
//  - inference from the data (`query --events FILE`): the JSON values of each field the registry
//    does not know decide its type before the events are read.
//
// Elasticsearch types map onto FieldType (elasticsearch_field_type); a declaration that
// contradicts a built-in field's type is an error naming the field and both types, a mapping
// type with no counterpart here is a warning naming the field path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/schema.h"

namespace wsn {

struct FieldTypeDecl {
  std::string name;      // full dotted field name
  FieldType type;        // this engine's type
  std::string declared;  // the type as the file wrote it ("long", "keyword", "int", ...)
};

struct FieldTypeFile {
  enum class Format : uint8_t { kSimple, kElasticsearchMapping };
  Format format = Format::kSimple;
  std::vector<FieldTypeDecl> fields;  // in file order; a name appears once
  // One line each, "PATH: warning: ..." / "PATH: error: ..." (no trailing newline).
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// How an Elasticsearch field data type maps onto this engine's types.
struct EsTypeMapping {
  enum class Kind : uint8_t {
    kMapped,   // `type` holds the field type
    kFloat,    // float/double/half_float/scaled_float: no floating-point type here; the JSON
               // reader keeps such values as their text (string), with a warning
    kObject,   // object/nested: its `properties` are fields
    kUntyped,  // flattened: its keys are arbitrary; left to the reader (strings)
    kAlias,    // alias: the type of the field at `path`
    kUnknown,  // no counterpart (geo_point, binary, ranges, vectors...): warning, left untyped
  };
  Kind kind = Kind::kUnknown;
  FieldType type = FieldType::kString;
};
EsTypeMapping elasticsearch_field_type(std::string_view es_type);

// Parses a field-type file's text. `path` prefixes the messages.
FieldTypeFile parse_field_type_file(std::string_view text, std::string_view path);
// Reads and parses `path` (an unreadable file is one error).
FieldTypeFile read_field_type_file(const std::string& path);

// Registers the declarations in `registry`. A built-in field keeps its type when the declared
// one is compatible (string and string_list: Elasticsearch has no array type; int and uint);
// otherwise "PATH: error: field 'F' is declared D (T) but its built-in type is B" is appended to
// `errors`. Returns the number of errors appended.
size_t apply_field_types(const FieldTypeFile& file, std::string_view path, FieldRegistry& registry,
                         std::vector<std::string>& errors);

// Infers the types of the fields `registry` does not know from JSON-lines events.
class FieldTypeInference {
 public:
  explicit FieldTypeInference(const FieldRegistry& registry, size_t max_depth = 32);
  ~FieldTypeInference();
  FieldTypeInference(const FieldTypeInference&) = delete;
  FieldTypeInference& operator=(const FieldTypeInference&) = delete;

  // One event line; lines that are not JSON objects are ignored (the reader reports them).
  void add_line(std::string_view line);

  struct Inferred {
    std::string name;
    FieldType type = FieldType::kString;
    // The kinds of value seen, in a fixed order ("integer", "float", "string", "ip", "bool",
    // "array", "object"); more than one kind that cannot share a type makes it ambiguous.
    std::vector<std::string> seen;
    bool ambiguous = false;
  };
  // Every unknown field seen, by name. Ambiguous fields are typed string.
  std::vector<Inferred> result() const;

  // Applies result() to `registry` (fields still unknown only) and returns one warning line per
  // ambiguous field: "field 'F' has values of more than one type (integer, string) in SOURCE;
  // typed string".
  std::vector<std::string> apply(FieldRegistry& registry, std::string_view source) const;

 private:
  struct Impl;
  const FieldRegistry& registry_;
  size_t max_depth_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wsn
