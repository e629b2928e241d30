#include "wasm/abi.h"

namespace wsn::wasm {

bool operator==(const Signature& a, const Signature& b) {
  return a.params == b.params && a.results == b.results;
}

namespace {
void append_types(std::string& out, std::string_view letters) {
  for (size_t k = 0; k < letters.size(); ++k) {
    if (k) out += ", ";
    out += letters[k] == 'I'   ? "i64"
           : letters[k] == 'i' ? "i32"
           : letters[k] == 'f' ? "f32"
           : letters[k] == 'F' ? "f64"
                               : "other";
  }
}
}  // namespace

std::string signature_text(const Signature& s) {
  std::string out = "(";
  append_types(out, s.params);
  out += ") -> ";
  if (s.results.size() == 1) {
    append_types(out, s.results);
  } else {
    out += "(";
    append_types(out, s.results);
    out += ")";
  }
  return out;
}

const HostImportInfo* find_host_import(std::string_view name) {
  for (const auto& h : kHostImports) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

}  // namespace wsn::wasm
