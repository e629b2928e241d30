#include "wasm/module_meta.h"

#include <charconv>

#include "common/text.h"
#include "wasm/abi.h"

namespace wsn::wasm {
namespace {

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  size_t k = 0;
  while (k < v.size()) {
    while (k < v.size() && (v[k] == ' ' || v[k] == '\t' || v[k] == ',')) ++k;
    size_t e = k;
    while (e < v.size() && v[e] != ' ' && v[e] != '\t' && v[e] != ',') ++e;
    if (e > k) out.emplace_back(v.substr(k, e - k));
    k = e;
  }
  return out;
}

bool parse_u32(std::string_view s, uint32_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<ModuleMeta> parse_module_meta(std::string_view text) {
  if (text.size() > kMaxMetaBytes) {
    return Error{"wsn.meta is larger than " + std::to_string(kMaxMetaBytes) + " bytes"};
  }
  ModuleMeta m;
  bool have_abi = false;
  size_t line_no = 0;
  size_t k = 0;
  while (k <= text.size()) {
    size_t e = text.find('\n', k);
    if (e == std::string_view::npos) e = text.size();
    ++line_no;
    const std::string_view line = trim_blanks(text.substr(k, e - k));
    k = e + 1;
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](const std::string& msg) {
      return Error{"wsn.meta line " + std::to_string(line_no) + ": " + msg};
    };
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected 'key = value'");
    const std::string_view key = trim_blanks(line.substr(0, eq));
    const std::string_view value = trim_blanks(line.substr(eq + 1));
    for (char c : line) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return fail("control character");
    }
    if (key == "abi") {
      const size_t dot = value.find('.');
      const std::string_view major = value.substr(0, dot);
      const std::string_view minor = dot == std::string_view::npos ? "0" : value.substr(dot + 1);
      if (!parse_u32(major, m.abi_major) || !parse_u32(minor, m.abi_minor)) {
        return fail("abi must be MAJOR.MINOR, e.g. 1.0");
      }
      have_abi = true;
    } else if (key == "name") {
      m.name = value;
    } else if (key == "version") {
      m.version = value;
    } else if (key == "categories") {
      m.categories = split_list(value);
    } else if (key == "fields") {
      m.fields = split_list(value);
    } else if (key == "lazy_fields") {
      m.lazy_fields = split_list(value);
    } else if (key == "tick_ms") {
      if (!parse_u32(value, m.tick_ms)) return fail("tick_ms must be a non-negative integer");
    } else if (key.substr(0, 2) == "x-") {
      // Vendor extension: ignored by this host.
    } else {
      return fail("unknown key '" + std::string(key) +
                  "' (known: abi, name, version, categories, fields, lazy_fields, tick_ms)");
    }
  }
  if (!have_abi) return Error{"wsn.meta does not state the ABI version ('abi = 1.0')"};
  if (m.abi_major != WSN_ABI_MAJOR) {
    return Error{"module targets Wasm rule ABI " + std::to_string(m.abi_major) + "." +
                 std::to_string(m.abi_minor) + "; this host supports ABI " +
                 std::to_string(WSN_ABI_MAJOR) + ".0 to " + std::to_string(WSN_ABI_MAJOR) + "." +
                 std::to_string(WSN_ABI_MINOR)};
  }
  if (m.abi_minor > WSN_ABI_MINOR) {
    return Error{"module needs Wasm rule ABI " + std::to_string(m.abi_major) + "." +
                 std::to_string(m.abi_minor) + "; this host supports up to " +
                 std::to_string(WSN_ABI_MAJOR) + "." + std::to_string(WSN_ABI_MINOR)};
  }
  if (m.fields.size() + m.lazy_fields.size() > kMaxDeclaredFields) {
    return Error{"wsn.meta declares more than " + std::to_string(kMaxDeclaredFields) + " fields"};
  }
  if (m.name.empty()) return Error{"wsn.meta has no 'name'"};
  return m;
}

Result<BoundMeta> bind_module_meta(const ModuleMeta& meta, FieldRegistry& registry) {
  BoundMeta b;
  auto bind = [&](const std::vector<std::string>& names, std::vector<FieldId>& ids,
                  std::vector<FieldType>& types) -> Status {
    for (const auto& n : names) {
      const FieldId id = registry.find(n);
      if (id == kInvalidField) {
        return Error{"wsn.meta names unknown field '" + n + "'"};
      }
      ids.push_back(id);
      types.push_back(registry.type(id));
    }
    return {};
  };
  if (Status s = bind(meta.fields, b.fields, b.field_types); !s) return s.error();
  if (Status s = bind(meta.lazy_fields, b.lazy_fields, b.lazy_types); !s) return s.error();
  for (const auto& c : meta.categories) {
    if (c == "*") {
      b.categories.clear();
      b.all_categories = true;
      return b;
    }
    CategoryId id = registry.find_category(c);
    if (id == categories::kUnknown && c != "unknown") {
      return Error{"wsn.meta names unknown event category '" + c + "'"};
    }
    b.categories.push_back(id);
    b.all_categories = false;
  }
  return b;
}

}  // namespace wsn::wasm
