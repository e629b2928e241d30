#include "helper/prescan.h"

#include <wabt/binary-reader-nop.h>
#include <wabt/binary-reader.h>

#include <map>
#include <vector>

#include "wasm/abi.h"

namespace wsn::wasm {
namespace {

using wabt::Index;
using WResult = wabt::Result;
using wabt::Type;

char type_letter(Type t) {
  switch (t) {
    case Type::I32:
      return 'i';
    case Type::I64:
      return 'I';
    case Type::F32:
      return 'f';
    case Type::F64:
      return 'F';
    case Type::V128:
      return 'v';
    default:
      return 'r';
  }
}

struct FuncSig {
  std::string params;
  std::string results;
  Signature sig() const { return {params, results}; }
};

class Scanner final : public wabt::BinaryReaderNop {
 public:
  explicit Scanner(const PrescanOptions& o) : o_(o) {}

  const std::string& error() const { return error_; }
  bool has_start() const { return has_start_; }
  Status finish();

  bool OnError(const wabt::Error& e) override {
    if (error_.empty()) error_ = "invalid module: " + e.message;
    return true;
  }

  WResult OnFuncType(Index index, Index param_count, Type* params, Index result_count,
                     Type* results) override {
    FuncSig s;
    for (Index k = 0; k < param_count; ++k) {
      if (WResult r = check_value_type(params[k], "a function type"); r != WResult::Ok) return r;
      s.params += type_letter(params[k]);
    }
    for (Index k = 0; k < result_count; ++k) {
      if (WResult r = check_value_type(results[k], "a function type"); r != WResult::Ok) return r;
      s.results += type_letter(results[k]);
    }
    if (types_.size() <= index) types_.resize(index + 1);
    types_[index] = std::move(s);
    return WResult::Ok;
  }
  WResult OnStructType(Index, Index, wabt::TypeMut*) override {
    return fail("the GC proposal (struct types) is not allowed");
  }
  WResult OnArrayType(Index, wabt::TypeMut) override {
    return fail("the GC proposal (array types) is not allowed");
  }

  WResult OnImportFunc(Index, std::string_view module_name, std::string_view field_name, Index,
                       Index sig_index) override {
    const std::string what =
        "import '" + std::string(module_name) + "." + std::string(field_name) + "'";
    if (module_name != WSN_IMPORT_MODULE) {
      return fail(what +
                  " is not allowed: rule modules may import only host functions from "
                  "module 'wsn' (no WASI file, network, clock or environment access)");
    }
    const HostImportInfo* h = find_host_import(field_name);
    if (!h) {
      std::string known;
      for (const auto& k : kHostImports) known += (known.empty() ? "" : ", ") + std::string(k.name);
      return fail(what + " is not a host function of ABI v1 (known: " + known + ")");
    }
    const FuncSig* s = type_at(sig_index);
    if (!s) return fail(what + " has an invalid type index");
    if (!(s->sig() == h->sig)) {
      return fail(what + " has type " + signature_text(s->sig()) + "; ABI v1 requires " +
                  signature_text(h->sig));
    }
    func_types_.push_back(sig_index);
    return WResult::Ok;
  }
  WResult OnImportTable(Index, std::string_view m, std::string_view f, Index, Type,
                        const wabt::Limits*) override {
    return fail("import '" + std::string(m) + "." + std::string(f) +
                "' is a table: only host functions may be imported");
  }
  WResult OnImportMemory(Index, std::string_view m, std::string_view f, Index,
                         const wabt::Limits*) override {
    return fail("import '" + std::string(m) + "." + std::string(f) +
                "' is a memory: a rule module must define and export its own memory");
  }
  WResult OnImportGlobal(Index, std::string_view m, std::string_view f, Index, Type,
                         bool) override {
    return fail("import '" + std::string(m) + "." + std::string(f) +
                "' is a global: only host functions may be imported");
  }
  WResult OnImportTag(Index, std::string_view m, std::string_view f, Index, Index) override {
    return fail("import '" + std::string(m) + "." + std::string(f) +
                "' is an exception tag: exception handling is not allowed");
  }

  WResult OnFunction(Index, Index sig_index) override {
    func_types_.push_back(sig_index);
    return WResult::Ok;
  }
  WResult OnTable(Index index, Type elem_type, const wabt::Limits* limits) override {
    (void)limits;
    if (index > 0) return fail("more than one table (reference types) is not allowed");
    if (elem_type != Type::FuncRef) return fail("tables must hold funcref");
    return WResult::Ok;
  }
  WResult OnMemory(Index index, const wabt::Limits* limits) override {
    if (index > 0) return fail("more than one memory (multi-memory) is not allowed");
    if (limits->is_shared) return fail("shared memory (the threads proposal) is not allowed");
    if (limits->is_64) return fail("64-bit memory (memory64) is not allowed");
    if (limits->initial > o_.memory_pages_cap) {
      return fail("memory starts at " + std::to_string(limits->initial) +
                  " pages (64 KiB each), more than the cap of " +
                  std::to_string(o_.memory_pages_cap) + " pages");
    }
    ++memories_;
    return WResult::Ok;
  }
  WResult BeginGlobal(Index, Type type, bool) override {
    return check_value_type(type, "a global");
  }
  WResult OnExport(Index, wabt::ExternalKind kind, Index item_index,
                   std::string_view name) override {
    exports_[std::string(name)] = {kind, item_index};
    return WResult::Ok;
  }
  WResult OnStartFunction(Index) override {
    has_start_ = true;
    return WResult::Ok;
  }
  WResult OnTagCount(Index count) override {
    if (count) return fail("exception tags (exception handling) are not allowed");
    return WResult::Ok;
  }

  WResult BeginFunctionBody(Index index, wabt::Offset) override {
    current_func_ = index;
    depth_ = 0;
    locals_ = 0;
    return WResult::Ok;
  }
  WResult OnLocalDecl(Index, Index count, Type type) override {
    locals_ += count;
    if (locals_ > o_.max_locals) {
      return fail("function " + std::to_string(current_func_) + " declares more than " +
                  std::to_string(o_.max_locals) + " locals");
    }
    return check_value_type(type, "a local");
  }
  WResult OnOpcode(wabt::Opcode op) override {
    const uint8_t prefix = op.GetPrefix();
    if (prefix == 0xfd)
      return fail(std::string("SIMD instruction '") + op.GetName() +
                  "': the SIMD proposal is not allowed");
    if (prefix == 0xfe)
      return fail(std::string("atomic instruction '") + op.GetName() +
                  "': the threads proposal is not allowed");
    switch (op) {
      case wabt::Opcode::Try:
      case wabt::Opcode::Catch:
      case wabt::Opcode::CatchAll:
      case wabt::Opcode::Throw:
      case wabt::Opcode::Rethrow:
      case wabt::Opcode::Delegate:
        return fail(std::string("instruction '") + op.GetName() +
                    "': exception handling is not allowed");
      case wabt::Opcode::ReturnCall:
      case wabt::Opcode::ReturnCallIndirect:
        return fail(std::string("instruction '") + op.GetName() + "': tail calls are not allowed");
      case wabt::Opcode::TableGet:
      case wabt::Opcode::TableSet:
      case wabt::Opcode::TableGrow:
      case wabt::Opcode::TableSize:
      case wabt::Opcode::TableFill:
      case wabt::Opcode::RefNull:
      case wabt::Opcode::RefIsNull:
      case wabt::Opcode::RefFunc:
      case wabt::Opcode::CallRef:
        return fail(std::string("instruction '") + op.GetName() +
                    "': reference types are not allowed");
      default:
        return WResult::Ok;
    }
  }
  WResult OnBlockExpr(Type) override { return push_block(); }
  WResult OnLoopExpr(Type) override { return push_block(); }
  WResult OnIfExpr(Type) override { return push_block(); }
  WResult OnEndExpr() override {
    if (depth_ > 0) --depth_;
    return WResult::Ok;
  }

 private:
  WResult fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return WResult::Error;
  }
  WResult check_value_type(Type t, const char* where) {
    if (t == Type::V128)
      return fail(std::string("v128 in ") + where + ": the SIMD proposal is not allowed");
    if (t.IsRef())
      return fail(std::string("reference type in ") + where + ": reference types are not allowed");
    return WResult::Ok;
  }
  WResult push_block() {
    if (++depth_ > o_.max_nesting) {
      return fail("function " + std::to_string(current_func_) + " nests blocks more than " +
                  std::to_string(o_.max_nesting) + " deep");
    }
    return WResult::Ok;
  }
  const FuncSig* type_at(Index i) const { return i < types_.size() ? &types_[i] : nullptr; }

  struct ExportRef {
    wabt::ExternalKind kind;
    Index index;
  };

  const PrescanOptions& o_;
  std::string error_;
  std::vector<FuncSig> types_;
  std::vector<Index> func_types_;  // type index per function (imports first)
  std::map<std::string, ExportRef> exports_;
  uint32_t memories_ = 0;
  bool has_start_ = false;
  Index current_func_ = 0;
  uint32_t depth_ = 0;
  uint64_t locals_ = 0;
};

Status Scanner::finish() {
  if (memories_ == 0) return Error{"module defines no memory"};
  auto mem = exports_.find("memory");
  if (mem == exports_.end() || mem->second.kind != wabt::ExternalKind::Memory) {
    return Error{"module does not export its memory as 'memory'"};
  }
  bool marker = false;
  for (const auto& [name, ref] : exports_) {
    if (name.compare(0, kMarkerPrefix.size(), kMarkerPrefix) == 0) {
      if (name != kMarkerV1) {
        return Error{"module targets Wasm rule ABI " + name.substr(kMarkerPrefix.size()) +
                     " (export '" + name + "'); this host supports ABI 1"};
      }
      if (ref.kind != wabt::ExternalKind::Func) return Error{"'wsn_abi_v1' must be a function"};
      marker = true;
      continue;
    }
    bool known = false;
    for (const auto& e : kExports) {
      if (e.name != name) continue;
      known = true;
      if (ref.kind != wabt::ExternalKind::Func) {
        return Error{"export '" + name + "' must be a function"};
      }
      const FuncSig* s = ref.index < func_types_.size() ? type_at(func_types_[ref.index]) : nullptr;
      if (!s) return Error{"export '" + name + "' names an invalid function"};
      if (!(s->sig() == e.sig)) {
        return Error{"export '" + name + "' has type " + signature_text(s->sig()) +
                     "; ABI v1 requires " + signature_text(e.sig)};
      }
    }
    if (!known && name.compare(0, 4, "wsn_") == 0) {
      return Error{"export '" + name +
                   "' uses the reserved prefix 'wsn_' but is not part of "
                   "ABI v1"};
    }
  }
  if (!marker) {
    return Error{
        "not a WasmSentinel rule module: no 'wsn_abi_v1' export (define it with "
        "WSN_RULE() from wsn_rule.h)"};
  }
  for (const auto& e : kExports) {
    if (e.required && !exports_.count(std::string(e.name))) {
      return Error{"module does not export '" + std::string(e.name) + "' " + signature_text(e.sig)};
    }
  }
  return {};
}

}  // namespace

Result<PrescanResult> prescan_module(std::span<const uint8_t> wasm, const PrescanOptions& o) {
  Scanner scanner(o);
  wabt::Features features;
  features.EnableAll();  // recognise everything, so rejections can name the feature
  wabt::ReadBinaryOptions options(features, nullptr, /*read_debug_names=*/false,
                                  /*stop_on_first_error=*/true,
                                  /*fail_on_custom_section_error=*/false);
  const wabt::Result r = wabt::ReadBinary(wasm.data(), wasm.size(), &scanner, options);
  if (!scanner.error().empty()) return Error{scanner.error()};
  if (wabt::Failed(r)) return Error{"invalid module"};
  if (Status s = scanner.finish(); !s) return s.error();
  PrescanResult out;
  out.has_start = scanner.has_start();
  return out;
}

}  // namespace wsn::wasm
