#include "event/json_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <unordered_map>
#include <utility>
#include <vector>

#include "event/json_writer.h"

namespace wsn {

static_assert(JsonEventReader::kPadding >= simdjson::SIMDJSON_PADDING);

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kValueQuoteLimit = 60;  // bytes of input quoted in a reason
constexpr size_t kNameQuoteLimit = 100;
constexpr size_t kMaxCachedNames = size_t{1} << 14;  // × ≤1 KiB names: bounded memory
constexpr size_t kMaxCachedCategories = 1024;
constexpr size_t kMaxDepthCap = 1024;  // recursion bound whatever the options say
constexpr size_t kMinParserCapacity = 4096;
// Name-cache marker for names below a built-in field (never a registry id: those are < kMaxFields).
constexpr FieldId kBelowBuiltin = kInvalidField - 1;
static_assert(FieldRegistry::kMaxFields < kBelowBuiltin);

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Appends `s` quoted for a one-line, terminal-safe message: C0/C1 controls and DEL escaped,
// invalid UTF-8 bytes as \xNN, cut after about `limit` bytes with "...".
void append_escaped(std::string_view s, char quote, size_t limit, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back(quote);
  size_t k = 0;
  while (k < s.size()) {
    if (k >= limit) {
      out.append("...");
      break;
    }
    const auto c = static_cast<unsigned char>(s[k]);
    if (c >= 0x20 && c < 0x7F) {
      if (c == static_cast<unsigned char>(quote) || c == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++k;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = utf8_sequence_length(s.substr(k));
      const bool c1_control = n == 2 && c == 0xC2 && static_cast<unsigned char>(s[k + 1]) < 0xA0;
      if (n > 0 && !c1_control) {
        out.append(s.substr(k, n));
        k += n;
        continue;
      }
      if (c1_control) {
        const auto cp = static_cast<unsigned char>(s[k + 1]);
        out.append("\\u00");
        out.push_back(kHex[cp >> 4]);
        out.push_back(kHex[cp & 15]);
        k += 2;
        continue;
      }
    }
    switch (c) {
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\x");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    ++k;
  }
  out.push_back(quote);
}

template <typename T>
void append_integer(T v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

// Shortest text that reads back as the same double; integral values keep a ".0" so the text
// still says "floating point" (5.0 stays "5.0").
void append_double(double d, std::string& out) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof(buf), d);
  out.append(buf, r.ptr);
  if (std::find_if(buf, r.ptr, [](char c) { return c == '.' || c == 'e'; }) == r.ptr) {
    out.append(".0");
  }
}

// By value: the simdjson_result temporaries must not be referenced past their statement.
simdjson::dom::array as_array(const element& v) {
  return v.get_array().value_unsafe();
}
simdjson::dom::object as_object(const element& v) {
  return v.get_object().value_unsafe();
}

bool is_number(element_type t) {
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

// Text of a JSON scalar for string fields.
void append_scalar_text(const element& v, std::string& out) {
  switch (v.type()) {
    case element_type::INT64:
      append_integer(v.get_int64().value_unsafe(), out);
      break;
    case element_type::UINT64:
      append_integer(v.get_uint64().value_unsafe(), out);
      break;
    case element_type::DOUBLE:
      append_double(v.get_double().value_unsafe(), out);
      break;
    case element_type::BOOL:
      out.append(v.get_bool().value_unsafe() ? "true" : "false");
      break;
    case element_type::STRING:
      out.append(v.get_string().value_unsafe());
      break;
    default:
      break;
  }
}

// Minified JSON of any value (kept as text for unknown fields that cannot be flattened).
// Recursion is bounded by the parser's depth limit.
void append_json(const element& v, std::string& out) {
  switch (v.type()) {
    case element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      for (element x : as_array(v)) {
        if (!first) out.push_back(',');
        first = false;
        append_json(x, out);
      }
      out.push_back(']');
      break;
    }
    case element_type::OBJECT: {
      out.push_back('{');
      bool first = true;
      for (auto kv : as_object(v)) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(kv.key, out);
        out.push_back(':');
        append_json(kv.value, out);
      }
      out.push_back('}');
      break;
    }
    case element_type::STRING:
      append_json_string(v.get_string().value_unsafe(), out);
      break;
    case element_type::NULL_VALUE:
      out.append("null");
      break;
    default:
      append_scalar_text(v, out);
      break;
  }
}

// "string \"abc\"", "number 1.5", "bool true", "array" ... for "expected X, got Y".
void append_description(const element& v, std::string& out) {
  switch (v.type()) {
    case element_type::STRING:
      out.append("string ");
      append_escaped(v.get_string().value_unsafe(), '"', kValueQuoteLimit, out);
      break;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      out.append("number ");
      append_scalar_text(v, out);
      break;
    case element_type::BOOL:
      out.append("bool ");
      append_scalar_text(v, out);
      break;
    case element_type::ARRAY:
      out.append("array");
      break;
    case element_type::OBJECT:
      out.append("object");
      break;
    case element_type::NULL_VALUE:
      out.append("null");
      break;
  }
}

const char* kind_name(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "bool";
    case element_type::NULL_VALUE:
      return "null";
    default:
      return "number";
  }
}

// What a field of type `t` accepts, for "expected X, got Y".
const char* expected_name(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "string";
    case FieldType::kInt:
      return "integer";
    case FieldType::kUInt:
      return "unsigned integer";
    case FieldType::kBool:
      return "bool";
    case FieldType::kIp:
      return "IP address string";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kStringList:
      return "array of strings";
  }
  return "value";
}

// A new unknown field holding an array of one scalar kind becomes a string list; anything
// else (scalars, arrays of objects or arrays, mixed arrays) a string.
FieldType infer_type(const element& v) {
  if (v.type() != element_type::ARRAY) return FieldType::kString;
  int kind = -1;  // 0 string, 1 number, 2 bool
  for (element x : as_array(v)) {
    const element_type t = x.type();
    const int k = t == element_type::STRING ? 0
                  : is_number(t)            ? 1
                  : t == element_type::BOOL ? 2
                                            : 3;
    if (k == 3 || (kind >= 0 && k != kind)) return FieldType::kString;
    kind = k;
  }
  return FieldType::kStringList;
}

// Strict integer text: optional '-', digits, nothing else.
template <typename T>
std::errc parse_integer(std::string_view s, T& out) {
  if (s.empty()) return std::errc::invalid_argument;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  if (r.ec == std::errc() && r.ptr != s.data() + s.size()) return std::errc::invalid_argument;
  return r.ec;
}

bool looks_like_integer(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string MalformedLine::to_string() const {
  std::string s = "line ";
  append_integer(line, s);
  s.append(": ");
  s.append(reason);
  return s;
}

struct JsonEventReader::Impl {
  explicit Impl(JsonEventReader& r) : reader(r) {}

  bool decode(const char* data, size_t len, Event& out);
  bool walk(simdjson::dom::object obj, size_t prefix_len, bool root, Event& out);
  bool set_field(std::string_view name, const element& v, Event& out);
  bool is_builtin_leaf(std::string_view dotted);
  bool object_error(std::string_view builtin);
  bool builtin_child_error(std::string_view name);
  bool convert(FieldId id, std::string_view name, const element& v, Event& out);
  bool set_list(FieldId id, std::string_view name, const element& v, Event& out);
  bool set_timestamp(FieldId id, std::string_view name, const element& v, Event& out);
  void set_category(Event& out);

  std::string& field_error(std::string_view name);
  bool type_error(std::string_view name, const char* expected, const element& v);
  bool json_error(simdjson::error_code err);

  JsonEventReader& reader;
  simdjson::dom::parser parser;
  simdjson::dom::document doc;
  size_t capacity = 0;
  StringMap<FieldId> names;
  StringMap<bool> object_paths;  // path of an object value → names a built-in field
  StringMap<CategoryId> categories;
  FieldId category_field = kInvalidField;
  std::string path;  // dotted name being built
  std::string text;  // converted scalar / minified JSON
  std::vector<std::string_view> items;
  std::vector<std::pair<size_t, size_t>> spans;
  std::string padded;  // parse(): the line plus padding
};

JsonEventReader::JsonEventReader(FieldRegistry& registry, ReaderOptions options)
    : registry_(registry), options_(std::move(options)), impl_(std::make_unique<Impl>(*this)) {
  options_.max_depth = std::clamp<size_t>(options_.max_depth, 1, kMaxDepthCap);
  if (!options_.timestamp_field.empty()) {
    impl_->names.emplace(options_.timestamp_field, fields::kTimestamp);
  }
  if (!options_.category_field.empty()) {
    impl_->category_field = registry_.intern(options_.category_field);
  }
  impl_->path.reserve(256);
  impl_->text.reserve(256);
}

JsonEventReader::~JsonEventReader() = default;

bool JsonEventReader::parse(std::string_view line, Event& out) {
  impl_->padded.assign(line);
  impl_->padded.append(kPadding, ' ');
  return impl_->decode(impl_->padded.data(), line.size(), out) && settle_time(out);
}

bool JsonEventReader::parse_padded(const char* data, size_t len, Event& out) {
  return impl_->decode(data, len, out) && settle_time(out);
}

bool JsonEventReader::settle_time(Event& out) {
  if (options_.missing_timestamp == MissingTimestamp::kKeep || out.has(fields::kTimestamp)) {
    return true;
  }
  if (options_.missing_timestamp == MissingTimestamp::kIngestTime) {
    out.set_timestamp(fields::kTimestamp, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    return true;
  }
  error_ = "no '" + options_.timestamp_field +
           "': a recorded event needs its time (RFC 3339 text or epoch number; "
           "docs/event-format.md)";
  return false;
}

std::string& JsonEventReader::Impl::field_error(std::string_view name) {
  std::string& e = reader.error_;
  e.assign("field ");
  append_escaped(name, '\'', kNameQuoteLimit, e);
  e.append(": ");
  return e;
}

bool JsonEventReader::Impl::type_error(std::string_view name, const char* expected,
                                       const element& v) {
  std::string& e = field_error(name);
  e.append("expected ");
  e.append(expected);
  e.append(", got ");
  append_description(v, e);
  return false;
}

bool JsonEventReader::Impl::json_error(simdjson::error_code err) {
  std::string& e = reader.error_;
  switch (err) {
    case simdjson::UTF8_ERROR:
      e = "invalid UTF-8";
      break;
    case simdjson::DEPTH_ERROR:
      e = "nesting deeper than ";
      append_integer(reader.options_.max_depth, e);
      e.append(" levels");
      break;
    case simdjson::EMPTY:
      e = "empty line";
      break;
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
      e = "invalid JSON: malformed or out-of-range number";
      break;
    case simdjson::STRING_ERROR:
      e = "invalid JSON: malformed string (bad escape or lone surrogate)";
      break;
    case simdjson::UNESCAPED_CHARS:
      e = "invalid JSON: unescaped control character in string";
      break;
    case simdjson::UNCLOSED_STRING:
      e = "invalid JSON: unclosed string";
      break;
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      e = "invalid JSON: bad literal (expected true, false or null)";
      break;
    case simdjson::TAPE_ERROR:
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      e = "invalid JSON: bad structure (unbalanced brackets, missing or extra commas or keys)";
      break;
    case simdjson::MEMALLOC:
      e = "out of memory while parsing";
      break;
    default:
      e = "invalid JSON: ";
      e.append(simdjson::error_message(err));
  }
  return false;
}

bool JsonEventReader::Impl::decode(const char* data, size_t len, Event& out) {
  reader.error_.clear();
  const ReaderOptions& opt = reader.options_;
  if (len > opt.max_line_bytes) {
    reader.error_ = "line exceeds ";
    append_integer(opt.max_line_bytes, reader.error_);
    reader.error_.append(" bytes");
    return false;
  }
  if (len > capacity) {
    // Grow geometrically so slowly lengthening lines do not reallocate each time.
    size_t want = std::max(std::bit_ceil(len), kMinParserCapacity);
    want = std::max(std::min(want, opt.max_line_bytes), len);
    if (parser.allocate(want, opt.max_depth + 1) != simdjson::SUCCESS ||
        doc.allocate(want) != simdjson::SUCCESS) {
      capacity = 0;
      reader.error_ = "out of memory while parsing";
      return false;
    }
    capacity = want;
  }
  element root;
  if (const auto err = parser.parse_into_document(doc, data, len, false).get(root)) {
    return json_error(err);
  }
  if (root.type() != element_type::OBJECT) {
    reader.error_ = "not a JSON object (got ";
    reader.error_.append(kind_name(root.type()));
    reader.error_.push_back(')');
    return false;
  }
  if (!walk(as_object(root), 0, true, out)) return false;
  set_category(out);
  return true;
}

bool JsonEventReader::Impl::walk(simdjson::dom::object obj, size_t prefix_len, bool root,
                                 Event& out) {
  for (auto kv : obj) {
    path.resize(prefix_len);
    if (!root) path.push_back('.');
    path.append(kv.key);
    if (path.size() > reader.options_.max_field_name_bytes) {
      std::string& e = reader.error_;
      e = "field name longer than ";
      append_integer(reader.options_.max_field_name_bytes, e);
      e.append(" bytes: ");
      append_escaped(path, '\'', kNameQuoteLimit, e);
      return false;
    }
    switch (kv.value.type()) {
      case element_type::OBJECT:  // a namespace: its members are fields "path.member"
        if (is_builtin_leaf(path)) return object_error(path);
        if (!walk(as_object(kv.value), path.size(), false, out)) return false;
        break;
      case element_type::NULL_VALUE:
        break;  // null means absent
      default:
        if (!set_field(path, kv.value, out)) return false;
    }
  }
  return true;
}

// An object where a built-in field is expected ({"process":{"pid":{..}}}) is a type error,
// not a namespace. Built-ins never change, so negative answers can be cached too.
bool JsonEventReader::Impl::is_builtin_leaf(std::string_view dotted) {
  if (auto it = object_paths.find(dotted); it != object_paths.end()) return it->second;
  const FieldId id = reader.registry_.find(dotted);
  const bool builtin = id != kInvalidField && reader.registry_.info(id).builtin;
  if (object_paths.size() < kMaxCachedNames) object_paths.emplace(dotted, builtin);
  return builtin;
}

// `builtin` names a built-in field but holds an object (nested or through dotted keys).
bool JsonEventReader::Impl::object_error(std::string_view builtin) {
  const FieldId id = reader.registry_.find(builtin);
  reader.registry_.note_type_mismatch(id);
  std::string& e = field_error(builtin);
  e.append("expected ");
  e.append(expected_name(reader.registry_.type(id)));
  e.append(", got object");
  return false;
}

// `name` lies below a built-in field ("process.pid.x"). Error path only.
bool JsonEventReader::Impl::builtin_child_error(std::string_view name) {
  for (size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.', dot + 1)) {
    if (is_builtin_leaf(name.substr(0, dot))) return object_error(name.substr(0, dot));
  }
  return object_error(name);  // unreachable: only names found to be below one come here
}

bool JsonEventReader::Impl::set_field(std::string_view name, const element& v, Event& out) {
  FieldId id;
  if (auto it = names.find(name); it != names.end()) {
    id = it->second;
    if (id == kBelowBuiltin) return builtin_child_error(name);
  } else {
    // Built-in fields have no sub-fields, however they are spelled: {"process.pid.x":1} is
    // {"process":{"pid":{"x":1}}}, an object where an integer belongs. Checked once per name.
    for (size_t dot = name.find('.'); dot != std::string_view::npos;
         dot = name.find('.', dot + 1)) {
      if (is_builtin_leaf(name.substr(0, dot))) {
        if (names.size() < kMaxCachedNames) names.emplace(name, kBelowBuiltin);
        return object_error(name.substr(0, dot));
      }
    }
    FieldRegistry& registry = reader.registry_;
    id = registry.find(name);
    if (id == kInvalidField) {
      // Do not let a line that is rejected anyway register more names.
      if (out.field_count() >= Event::kMaxFields) {
        reader.error_ = "more than ";
        append_integer(Event::kMaxFields, reader.error_);
        reader.error_.append(" fields");
        return false;
      }
      id = registry.intern(name, infer_type(v));
    }
    if (names.size() < kMaxCachedNames) names.emplace(name, id);
  }
  if (id == kInvalidField) {  // registry full: keep the event, drop the field
    ++reader.skipped_fields_;
    return true;
  }
  if (out.field_count() >= Event::kMaxFields && !out.has(id)) {
    reader.error_ = "more than ";
    append_integer(Event::kMaxFields, reader.error_);
    reader.error_.append(" fields");
    return false;
  }
  if (convert(id, name, v, out)) return true;
  // Every failure of convert() is a value its field's type cannot hold losslessly: the line is
  // rejected with the reason, and the field's tally feeds wsn_field_type_mismatches_total.
  reader.registry_.note_type_mismatch(id);
  return false;
}

bool JsonEventReader::Impl::convert(FieldId id, std::string_view name, const element& v,
                                    Event& out) {
  const element_type t = v.type();
  switch (reader.registry_.type(id)) {
    case FieldType::kString:
      if (t == element_type::STRING) {
        out.set_string(id, v.get_string().value_unsafe());
        return true;
      }
      if (t == element_type::ARRAY && reader.registry_.info(id).builtin) {
        return type_error(name, "string", v);
      }
      text.clear();
      append_json(v, text);  // scalars: their text; arrays: minified JSON
      out.set_string(id, text);
      return true;

    case FieldType::kInt: {
      if (t == element_type::INT64) {
        out.set_int(id, v.get_int64().value_unsafe());
        return true;
      }
      int64_t n;
      if (t == element_type::STRING) {
        const std::string_view s = v.get_string().value_unsafe();
        const std::errc ec = parse_integer(s, n);
        if (ec == std::errc()) {
          out.set_int(id, n);
          return true;
        }
        if (ec == std::errc::result_out_of_range) {
          std::string& e = field_error(name);
          e.append("integer ");
          append_escaped(s, '"', kValueQuoteLimit, e);
          e.append(" out of range");
          return false;
        }
      }
      if (t == element_type::UINT64) {
        std::string& e = field_error(name);
        e.append("integer ");
        append_scalar_text(v, e);
        e.append(" out of range");
        return false;
      }
      return type_error(name, "integer", v);
    }

    case FieldType::kUInt: {
      if (t == element_type::UINT64) {
        out.set_uint(id, v.get_uint64().value_unsafe());
        return true;
      }
      if (t == element_type::INT64 && v.get_int64().value_unsafe() >= 0) {
        out.set_uint(id, static_cast<uint64_t>(v.get_int64().value_unsafe()));
        return true;
      }
      if (t == element_type::STRING) {
        const std::string_view s = v.get_string().value_unsafe();
        uint64_t n;
        const std::errc ec = parse_integer(s, n);
        if (ec == std::errc()) {
          out.set_uint(id, n);
          return true;
        }
        if (ec == std::errc::result_out_of_range) {
          std::string& e = field_error(name);
          e.append("integer ");
          append_escaped(s, '"', kValueQuoteLimit, e);
          e.append(" out of range");
          return false;
        }
      }
      return type_error(name, "unsigned integer", v);
    }

    case FieldType::kBool:
      if (t == element_type::BOOL) {
        out.set_bool(id, v.get_bool().value_unsafe());
        return true;
      }
      if (t == element_type::STRING) {
        const std::string_view s = v.get_string().value_unsafe();
        if (s == "true" || s == "false") {
          out.set_bool(id, s == "true");
          return true;
        }
      }
      return type_error(name, "bool", v);

    case FieldType::kIp: {
      if (t != element_type::STRING) return type_error(name, "IP address string", v);
      const std::string_view s = v.get_string().value_unsafe();
      IpAddress ip;
      if (!IpAddress::parse(s, ip)) {
        std::string& e = field_error(name);
        e.append("invalid IP address ");
        append_escaped(s, '"', kValueQuoteLimit, e);
        return false;
      }
      out.set_ip(id, ip);
      return true;
    }

    case FieldType::kTimestamp:
      return set_timestamp(id, name, v, out);
    case FieldType::kStringList:
      return set_list(id, name, v, out);
  }
  return type_error(name, "value", v);
}

bool JsonEventReader::Impl::set_timestamp(FieldId id, std::string_view name, const element& v,
                                          Event& out) {
  const EpochUnit unit = reader.options_.epoch_unit;
  int64_t ns = 0;
  bool in_range = false;
  switch (v.type()) {
    case element_type::STRING: {
      const std::string_view s = v.get_string().value_unsafe();
      if (looks_like_integer(s)) {  // an epoch number written as a string
        int64_t n;
        in_range = parse_integer(s, n) == std::errc() && epoch_to_ns(n, unit, ns);
        if (in_range) break;
        std::string& e = field_error(name);
        e.append("timestamp ");
        append_escaped(s, '"', kValueQuoteLimit, e);
        e.append(" out of range");
        return false;
      }
      if (const char* why = parse_rfc3339(s, ns)) {
        std::string& e = field_error(name);
        e.append("invalid timestamp ");
        append_escaped(s, '"', kValueQuoteLimit, e);
        e.append(": ");
        e.append(why);
        return false;
      }
      in_range = true;
      break;
    }
    case element_type::INT64:
      in_range = epoch_to_ns(v.get_int64().value_unsafe(), unit, ns);
      break;
    case element_type::UINT64:
      in_range = epoch_to_ns(v.get_uint64().value_unsafe(), unit, ns);
      break;
    case element_type::DOUBLE:
      in_range = epoch_to_ns(v.get_double().value_unsafe(), unit, ns);
      break;
    default:
      return type_error(name, "timestamp", v);
  }
  if (!in_range) {
    std::string& e = field_error(name);
    e.append("timestamp ");
    append_scalar_text(v, e);
    e.append(" out of range");
    return false;
  }
  out.set_timestamp(id, ns);
  return true;
}

bool JsonEventReader::Impl::set_list(FieldId id, std::string_view name, const element& v,
                                     Event& out) {
  const element_type t = v.type();
  if (t == element_type::STRING) {
    const std::string_view one = v.get_string().value_unsafe();
    out.set_string_list(id, std::span<const std::string_view>(&one, 1));
    return true;
  }
  if (t != element_type::ARRAY) {
    if (t == element_type::BOOL || is_number(t)) {  // a single scalar: a one-item list
      text.clear();
      append_scalar_text(v, text);
      const std::string_view one = text;
      out.set_string_list(id, std::span<const std::string_view>(&one, 1));
      return true;
    }
    return type_error(name, "array of strings", v);
  }
  // Numbers and bools become their text in `text`; strings are viewed in place. Views into
  // `text` are taken only once it has stopped growing.
  const simdjson::dom::array arr = as_array(v);
  text.clear();
  spans.clear();
  for (element x : arr) {
    const element_type xt = x.type();
    if (xt == element_type::STRING) continue;
    if (xt != element_type::BOOL && !is_number(xt)) {
      std::string& e = field_error(name);
      e.append("expected array of strings, got array containing ");
      e.append(kind_name(xt));
      return false;
    }
    const size_t off = text.size();
    append_scalar_text(x, text);
    spans.emplace_back(off, text.size() - off);
  }
  items.clear();
  size_t next_span = 0;
  for (element x : arr) {
    if (x.type() == element_type::STRING) {
      items.push_back(x.get_string().value_unsafe());
    } else {
      const auto [off, n] = spans[next_span++];
      items.push_back(std::string_view(text).substr(off, n));
    }
  }
  out.set_string_list(id, items);
  return true;
}

void JsonEventReader::Impl::set_category(Event& out) {
  FieldView v;
  if (category_field == kInvalidField || !out.get(category_field, v)) return;
  std::string_view name;
  if (v.type == FieldType::kStringList) {
    if (v.list_count == 0) return;
    name = out.list_item(v, 0);
  } else if (v.type == FieldType::kString) {
    name = v.s;
  }
  if (name.empty()) return;
  if (auto it = categories.find(name); it != categories.end()) {
    out.set_category(it->second);
    return;
  }
  const CategoryId c = reader.registry_.intern_category(name);
  if (categories.size() < kMaxCachedCategories) categories.emplace(name, c);
  out.set_category(c);
}

}  // namespace wsn
