#include "helper/prepare.h"

#include <wabt/binary-reader-ir.h>
#include <wabt/binary-reader.h>
#include <wabt/binary-writer.h>
#include <wabt/error-formatter.h>
#include <wabt/feature.h>
#include <wabt/ir.h>
#include <wabt/stream.h>
#include <wabt/validator.h>

#include "wasm/abi.h"
#include "wasm/allowed_features.h"
#include "wasm/binary_scan.h"
#include "wasm/module_meta.h"

namespace wsn::wasm {

void set_allowed_features(wabt::Features& f) { f = allowed_features(); }

namespace {

std::string first_errors(const wabt::Errors& errors) {
  std::string s = wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  const size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);  // the first error is the one to fix
  return s;
}

}  // namespace

Result<PreparedModule> prepare_module(std::span<const uint8_t> wasm, const PrepareOptions& o) {
  if (wasm.size() > o.max_module_bytes) {
    return Error{"module is " + std::to_string(wasm.size()) + " bytes, above the limit of " +
                 std::to_string(o.max_module_bytes)};
  }
  if (!has_wasm_header(wasm)) {
    return Error{"not a WebAssembly binary (bad magic number or version)"};
  }
  std::string scan_error;
  auto meta_text = find_custom_section(wasm, WSN_META_SECTION, &scan_error);
  if (!scan_error.empty()) return Error{"invalid module: " + scan_error};
  if (!meta_text) {
    return Error{
        "module has no 'wsn.meta' custom section (add it with wsn-wasm-meta; see "
        "docs/wasm-abi.md)"};
  }
  auto meta = parse_module_meta(*meta_text);
  if (!meta.ok()) return meta.error();

  auto scan = prescan_module(wasm, o.prescan);
  if (!scan.ok()) return scan.error();

  wabt::Features features;
  set_allowed_features(features);
  wabt::Module module;
  wabt::Errors errors;
  wabt::ReadBinaryOptions read_options(features, nullptr, /*read_debug_names=*/false,
                                       /*stop_on_first_error=*/true,
                                       /*fail_on_custom_section_error=*/false);
  if (wabt::Failed(wabt::ReadBinaryIr("module.wasm", wasm.data(), wasm.size(), read_options,
                                      &errors, &module))) {
    return Error{"invalid module: " + first_errors(errors)};
  }
  wabt::ValidateOptions validate_options(features);
  if (wabt::Failed(wabt::ValidateModule(&module, &errors, validate_options))) {
    return Error{"invalid module: " + first_errors(errors)};
  }
  if (Status s = rewrite_module(module, o.rewrite); !s) return s.error();
  errors.clear();
  if (wabt::Failed(wabt::ValidateModule(&module, &errors, validate_options))) {
    return Error{"internal error: rewritten module does not validate: " + first_errors(errors)};
  }
  wabt::MemoryStream stream;
  wabt::WriteBinaryOptions write_options(features, /*canonicalize_lebs=*/true,
                                         /*relocatable=*/false, /*write_debug_names=*/false);
  if (wabt::Failed(wabt::WriteBinaryModule(&stream, &module, write_options))) {
    return Error{"internal error: cannot write the rewritten module"};
  }
  PreparedModule out;
  out.canonical = std::move(stream.output_buffer().data);
  out.meta_text = std::string(*meta_text);
  append_custom_section(out.canonical, WSN_META_SECTION, out.meta_text);
  return out;
}

}  // namespace wsn::wasm
