// Test adapter: loads the Endgame conformance events (test_data.json) into wsn::Events.
//
// Nested objects are flattened to dotted keys; the Endgame fields' types are defined in the
// FieldRegistry from the data (integers → kInt, strings → kString, string arrays →
// kStringList). Arrays of objects are flattened per leaf path into string lists, as
// Elasticsearch indexes object arrays (docs/eql-semantics.md). The
// category is event_type (fallback: event_type_full without "_event"); @timestamp is the
// Windows FILETIME `timestamp` converted to ns since the Unix epoch.
#pragma once

#include <simdjson.h>

#include <map>
#include <string>
#include <vector>

#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn::testing {

inline constexpr int64_t kFiletimeUnixEpoch = 116444736000000000LL;

struct EndgameData {
  std::vector<Event> events;
  std::string error;
};

namespace detail {

// Collects the string leaves under `name` (arrays concatenate, objects extend the path).
inline void flatten_value(simdjson::dom::element v, const std::string& name,
                          std::map<std::string, std::vector<std::string_view>>& out) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING:
      out[name].push_back(v.get_string().value());
      break;
    case simdjson::dom::element_type::ARRAY:
      for (auto item : v.get_array()) flatten_value(item, name, out);
      break;
    case simdjson::dom::element_type::OBJECT:
      for (auto [key, value] : v.get_object()) {
        flatten_value(value, name + "." + std::string(key), out);
      }
      break;
    default:
      break;
  }
}

inline void collect(simdjson::dom::object obj, const std::string& prefix, FieldRegistry& reg,
                    Event* ev) {
  for (auto [key, value] : obj) {
    const std::string name = prefix + std::string(key);
    switch (value.type()) {
      case simdjson::dom::element_type::OBJECT:
        collect(value.get_object().value(), name + ".", reg, ev);
        break;
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64: {
        reg.define(name, FieldType::kInt);
        if (ev) ev->set_int(reg.find(name), value.get_int64().value());
        break;
      }
      case simdjson::dom::element_type::STRING: {
        reg.define(name, FieldType::kString);
        if (ev) ev->set_string(reg.find(name), value.get_string().value());
        break;
      }
      case simdjson::dom::element_type::BOOL:
        reg.define(name, FieldType::kBool);
        if (ev) ev->set_bool(reg.find(name), value.get_bool().value());
        break;
      case simdjson::dom::element_type::ARRAY: {
        std::vector<std::string_view> items;
        bool strings = true;
        for (auto item : value.get_array()) {
          if (item.type() != simdjson::dom::element_type::STRING) {
            strings = false;
            break;
          }
          items.push_back(item.get_string().value());
        }
        if (!strings) {
          // Arrays of objects are flattened per leaf path, as Elasticsearch indexes object
          // arrays: `a.b` holds the `b` of every element (element correlation is lost).
          std::map<std::string, std::vector<std::string_view>> leaves;
          flatten_value(value, name, leaves);
          for (const auto& [leaf, vals] : leaves) {
            reg.define(leaf, FieldType::kStringList);
            if (ev) ev->set_string_list(reg.find(leaf), vals);
          }
          break;
        }
        reg.define(name, FieldType::kStringList);
        if (ev) ev->set_string_list(reg.find(name), items);
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace detail

inline EndgameData load_endgame_data(const std::string& path, FieldRegistry& reg) {
  EndgameData out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.load(path).get(doc)) {
    out.error = "load " + path + ": " + simdjson::error_message(err);
    return out;
  }
  simdjson::dom::array arr;
  if (doc.get_array().get(arr)) {
    out.error = path + ": expected an array of events";
    return out;
  }
  // Pass 1 defines every field's type; pass 2 builds the events.
  for (auto item : arr) detail::collect(item.get_object().value(), "", reg, nullptr);
  for (auto item : arr) {
    simdjson::dom::object obj = item.get_object().value();
    Event ev;
    detail::collect(obj, "", reg, &ev);
    std::string category;
    std::string_view s;
    if (!obj["event_type"].get_string().get(s)) {
      category = std::string(s);
    } else if (!obj["event_type_full"].get_string().get(s)) {
      category = std::string(s);
      if (category.ends_with("_event")) category.resize(category.size() - 6);
    }
    ev.set_category(reg.intern_category(category));
    int64_t ticks = 0;
    if (!obj["timestamp"].get_int64().get(ticks)) {
      ev.set_timestamp(fields::kTimestamp, (ticks - kFiletimeUnixEpoch) * 100);
    }
    out.events.push_back(std::move(ev));
  }
  return out;
}

}  // namespace wsn::testing
