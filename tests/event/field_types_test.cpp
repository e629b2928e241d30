// Field types for fields the built-in schema does not know: the field-type file (flat map or
// Elasticsearch index mapping, `--fields FILE`) and inference from JSON-lines events
// (`query --events FILE`).
#include "event/field_types.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wsn {
namespace {

const FieldTypeDecl* find_decl(const FieldTypeFile& f, std::string_view name) {
  for (const auto& d : f.fields) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

// Elasticsearch field data types, as its mapping reference groups them
// (https://www.elastic.co/guide/en/elasticsearch/reference/current/mapping-types.html).
TEST(ElasticsearchTypes, MapOntoThisEnginesTypes) {
  using K = EsTypeMapping::Kind;
  for (const char* t : {"keyword", "constant_keyword", "wildcard", "text", "match_only_text"}) {
    const auto m = elasticsearch_field_type(t);
    EXPECT_EQ(m.kind, K::kMapped) << t;
    EXPECT_EQ(m.type, FieldType::kString) << t;
  }
  for (const char* t : {"long", "integer", "short", "byte"}) {
    EXPECT_EQ(elasticsearch_field_type(t).type, FieldType::kInt) << t;
  }
  EXPECT_EQ(elasticsearch_field_type("unsigned_long").type, FieldType::kUInt);
  for (const char* t : {"float", "double", "half_float", "scaled_float"}) {
    EXPECT_EQ(elasticsearch_field_type(t).kind, K::kFloat) << t;
  }
  EXPECT_EQ(elasticsearch_field_type("boolean").type, FieldType::kBool);
  EXPECT_EQ(elasticsearch_field_type("date").type, FieldType::kTimestamp);
  EXPECT_EQ(elasticsearch_field_type("date_nanos").type, FieldType::kTimestamp);
  EXPECT_EQ(elasticsearch_field_type("ip").type, FieldType::kIp);
  EXPECT_EQ(elasticsearch_field_type("object").kind, K::kObject);
  EXPECT_EQ(elasticsearch_field_type("nested").kind, K::kObject);
  EXPECT_EQ(elasticsearch_field_type("flattened").kind, K::kUntyped);
  EXPECT_EQ(elasticsearch_field_type("geo_point").kind, K::kUnknown);
}

constexpr const char* kMapping = R"({
  "mappings": {
    "dynamic": "true",
    "properties": {
      "app": {
        "properties": {
          "tier": {"type": "long"},
          "owner": {"type": "keyword", "ignore_above": 1024,
                    "fields": {"text": {"type": "match_only_text"}}},
          "peer": {"type": "ip"},
          "seen": {"type": "date"},
          "ok": {"type": "boolean"},
          "count": {"type": "unsigned_long"},
          "score": {"type": "scaled_float", "scaling_factor": 100},
          "where": {"type": "geo_point"},
          "labels": {"type": "flattened"},
          "items": {"type": "nested", "properties": {"sku": {"type": "keyword"}}},
          "meta": {"type": "object", "properties": {"rev": {"type": "short"}}},
          "tier_alias": {"type": "alias", "path": "app.tier"}
        }
      },
      "process": {"properties": {"args": {"type": "keyword"}, "pid": {"type": "long"}}}
    }
  }
})";

TEST(FieldTypeFile, ElasticsearchMappingNestedPropertiesAndMultiFields) {
  const FieldTypeFile f = parse_field_type_file(kMapping, "m.json");
  ASSERT_TRUE(f.ok()) << f.errors.front();
  EXPECT_EQ(f.format, FieldTypeFile::Format::kElasticsearchMapping);
  auto type_of = [&](std::string_view n) {
    const FieldTypeDecl* d = find_decl(f, n);
    return d ? std::string(field_type_name(d->type)) : std::string("(none)");
  };
  EXPECT_EQ(type_of("app.tier"), "int");
  EXPECT_EQ(find_decl(f, "app.tier")->declared, "long");
  EXPECT_EQ(type_of("app.owner"), "string");
  EXPECT_EQ(type_of("app.owner.text"), "(none)");  // multi-fields are never in a document
  EXPECT_EQ(type_of("app.peer"), "ip");
  EXPECT_EQ(type_of("app.seen"), "timestamp");
  EXPECT_EQ(type_of("app.ok"), "bool");
  EXPECT_EQ(type_of("app.count"), "uint");
  EXPECT_EQ(type_of("app.score"), "string");  // no floating-point type: kept as text
  EXPECT_EQ(type_of("app.where"), "(none)");
  EXPECT_EQ(type_of("app.labels"), "(none)");
  EXPECT_EQ(type_of("app.items.sku"), "string");
  EXPECT_EQ(type_of("app.meta.rev"), "int");
  EXPECT_EQ(type_of("app.tier_alias"), "int");
  EXPECT_EQ(type_of("process.args"), "string");
  ASSERT_EQ(f.warnings.size(), 2u);
  EXPECT_EQ(f.warnings[0],
            "m.json: warning: field 'app.score' is scaled_float: no floating-point type here; its "
            "values are kept as text (string)");
  EXPECT_EQ(f.warnings[1],
            "m.json: warning: field 'app.where': Elasticsearch type 'geo_point' has no "
            "counterpart here; left untyped");
}

TEST(FieldTypeFile, GetMappingResponseShapeWithSeveralIndices) {
  const FieldTypeFile f = parse_field_type_file(
      R"({"logs-a":{"mappings":{"properties":{"a":{"properties":{"n":{"type":"integer"}}}}}},
          "logs-b":{"mappings":{"properties":{"b":{"type":"keyword"}}}}})",
      "get.json");
  ASSERT_TRUE(f.ok()) << f.errors.front();
  EXPECT_EQ(f.format, FieldTypeFile::Format::kElasticsearchMapping);
  ASSERT_EQ(f.fields.size(), 2u);
  EXPECT_EQ(f.fields[0].name, "a.n");
  EXPECT_EQ(f.fields[0].type, FieldType::kInt);
  EXPECT_EQ(f.fields[1].name, "b");
  EXPECT_EQ(f.fields[1].type, FieldType::kString);
}

TEST(FieldTypeFile, BareMappingBodyAndPreSevenTypeLevel) {
  const FieldTypeFile bare =
      parse_field_type_file(R"({"properties":{"x":{"type":"ip"}}})", "b.json");
  ASSERT_TRUE(bare.ok());
  ASSERT_EQ(bare.fields.size(), 1u);
  EXPECT_EQ(bare.fields[0].type, FieldType::kIp);
  const FieldTypeFile old =
      parse_field_type_file(R"({"mappings":{"_doc":{"properties":{"x":{"type":"date"}}}}})", "o");
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(old.fields.size(), 1u);
  EXPECT_EQ(old.fields[0].type, FieldType::kTimestamp);
}

TEST(FieldTypeFile, SimpleMapTakesOwnAndElasticsearchTypeNames) {
  const FieldTypeFile f = parse_field_type_file(
      R"({"app.tier":"int","app.peer":"ip","app.tags":"string_list","app.n":"long","app.k":"keyword"})",
      "f.json");
  ASSERT_TRUE(f.ok()) << f.errors.front();
  EXPECT_EQ(f.format, FieldTypeFile::Format::kSimple);
  ASSERT_EQ(f.fields.size(), 5u);
  EXPECT_EQ(f.fields[0].type, FieldType::kInt);
  EXPECT_EQ(f.fields[1].type, FieldType::kIp);
  EXPECT_EQ(f.fields[2].type, FieldType::kStringList);
  EXPECT_EQ(f.fields[3].type, FieldType::kInt);
  EXPECT_EQ(f.fields[4].type, FieldType::kString);
}

TEST(FieldTypeFile, BadFilesSayWhatIsWrong) {
  const FieldTypeFile unknown = parse_field_type_file(R"({"a":"integr","b":3})", "f.json");
  ASSERT_EQ(unknown.errors.size(), 2u);
  EXPECT_EQ(unknown.errors[0].rfind("f.json: error: field 'a': unknown type 'integr' (known:", 0),
            0u)
      << unknown.errors[0];
  EXPECT_EQ(unknown.errors[1],
            "f.json: error: field 'b': expected a type name (string), e.g. \"int\" or \"long\"");
  const FieldTypeFile broken = parse_field_type_file("{\"a\":", "f.json");
  ASSERT_EQ(broken.errors.size(), 1u);
  EXPECT_EQ(broken.errors[0].rfind("f.json: error: not valid JSON: ", 0), 0u);
  const FieldTypeFile twice = parse_field_type_file(
      R"({"i1":{"mappings":{"properties":{"x":{"type":"long"}}}},
          "i2":{"mappings":{"properties":{"x":{"type":"keyword"}}}}})",
      "g.json");
  ASSERT_EQ(twice.errors.size(), 1u);
  EXPECT_EQ(twice.errors[0],
            "g.json: error: field 'x' is declared both long (int) and keyword (string)");
  EXPECT_EQ(read_field_type_file("/nonexistent/f.json").errors.front(),
            "/nonexistent/f.json: error: cannot open the field-type file");
}

TEST(FieldTypeFile, ConflictWithBuiltinNamesFieldAndBothTypes) {
  FieldRegistry reg;
  const FieldTypeFile f = parse_field_type_file(
      R"({"properties":{"process":{"properties":{"pid":{"type":"keyword"},
          "args":{"type":"keyword"},"command_line":{"type":"wildcard"}}},
          "source":{"properties":{"ip":{"type":"long"}}},"app":{"properties":{"n":{"type":"long"}}}}})",
      "m.json");
  ASSERT_TRUE(f.ok());
  std::vector<std::string> errors;
  EXPECT_EQ(apply_field_types(f, "m.json", reg, errors), 2u);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "m.json: error: field 'process.pid' is declared keyword (string) but its built-in "
            "type is int");
  EXPECT_EQ(errors[1],
            "m.json: error: field 'source.ip' is declared long (int) but its built-in type is ip");
  // Compatible declarations keep the built-in type (Elasticsearch has no array type).
  EXPECT_EQ(reg.type(reg.find("process.args")), FieldType::kStringList);
  EXPECT_EQ(reg.type(reg.find("app.n")), FieldType::kInt);
}

TEST(FieldTypeInference, TypesUnknownFieldsFromTheirValues) {
  FieldRegistry reg;
  FieldTypeInference inf(reg);
  inf.add_line(R"({"process":{"pid":1},"app":{"tier":3,"peer":"10.0.0.1","name":"a","ok":true,)"
               R"("ratio":0.5,"tags":["x","y"],"nothing":null,"big":18446744073709551615}})");
  inf.add_line(R"({"app.tier":-4,"app.peer":"::1","app.name":"b","app.ok":false,"app.ratio":2,)"
               R"("app.tags":"z","app.big":7})");
  inf.add_line("not json");
  const auto r = inf.result();
  auto type_of = [&](std::string_view n) {
    for (const auto& x : r) {
      if (x.name == n) return std::string(field_type_name(x.type));
    }
    return std::string("(none)");
  };
  EXPECT_EQ(type_of("app.tier"), "int");
  EXPECT_EQ(type_of("app.peer"), "ip");
  EXPECT_EQ(type_of("app.name"), "string");
  EXPECT_EQ(type_of("app.ok"), "bool");
  EXPECT_EQ(type_of("app.ratio"), "string");  // fractional: kept as text, as the reader does
  EXPECT_EQ(type_of("app.tags"), "string_list");
  EXPECT_EQ(type_of("app.big"), "uint");
  EXPECT_EQ(type_of("app.nothing"), "(none)");
  EXPECT_EQ(type_of("process.pid"), "(none)");  // built-in
  for (const auto& x : r) EXPECT_FALSE(x.ambiguous) << x.name;
  EXPECT_TRUE(inf.apply(reg, "log.jsonl").empty());
  EXPECT_EQ(reg.type(reg.find("app.tier")), FieldType::kInt);
  EXPECT_EQ(reg.type(reg.find("app.peer")), FieldType::kIp);
}

TEST(FieldTypeInference, DisagreeingValuesWarnAndBecomeString) {
  FieldRegistry reg;
  reg.define("app.known", FieldType::kInt);
  FieldTypeInference inf(reg);
  inf.add_line(R"({"app":{"code":1,"flag":true,"known":1}})");
  inf.add_line(R"({"app":{"code":"a","flag":"10.1.1.1","known":"x"}})");
  const auto warnings = inf.apply(reg, "log.jsonl");
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0],
            "field 'app.code' has values of more than one type (integer, string) in log.jsonl; "
            "typed string");
  EXPECT_EQ(warnings[1],
            "field 'app.flag' has values of more than one type (ip, bool) in log.jsonl; typed "
            "string");
  EXPECT_EQ(reg.type(reg.find("app.code")), FieldType::kString);
  EXPECT_EQ(reg.type(reg.find("app.known")), FieldType::kInt);  // declared types win
}

}  // namespace
}  // namespace wsn
