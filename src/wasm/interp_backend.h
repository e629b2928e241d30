// The part of the interpreter tier that touches wabt's interpreter headers. wabt 1.0.32's
// interp-inl.h spells destructors as `~FreeList<T>()`, which GCC 12 rejects in C++20 mode, so
// this file and interp_backend.cpp are C++17 (target wsn_wasm_interp17) and expose a narrow
// interface that interp_tier.cpp adapts to wasm::Instance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "wasm/abi.h"

namespace wsn::wasm::interp_backend {

// Host imports as seen from the interpreter: arguments as raw u64 (i32 zero-extended).
class HostCalls {
 public:
  virtual ~HostCalls() = default;
  // Returns false to trap the caller; `error()` says why.
  virtual bool call(HostImport id, const uint64_t* args, uint64_t* result) = 0;
  // The rewriter's deadline import (abi.h): false to trap the caller (deadline passed).
  virtual bool deadline() = 0;
  virtual const std::string& error() const = 0;
};

struct CallOutcome {
  bool trapped = false;
  uint64_t value = 0;
  int64_t fuel_left = 0;
  uint32_t depth_after = 0;
  std::string message;  // trap message ("host: ..." for host refusals)
};

class Module;

class Instance {
 public:
  virtual ~Instance() = default;
  virtual bool has(Export e) const = 0;
  virtual void call(Export e, uint64_t arg, int64_t fuel, CallOutcome& out) = 0;
  // Subtracts from the fuel global; false when it is then negative.
  virtual bool charge_fuel(int64_t fuel) = 0;
  virtual int64_t fuel_left() const = 0;
  // The deadline checkpoint global (abi.h); call() sets it from the budget.
  virtual int64_t checkpoint() const = 0;
  virtual void set_checkpoint(int64_t value) = 0;
  virtual uint8_t* memory_data() = 0;
  virtual size_t memory_size() = 0;
};

// Decodes a canonical module; null with `error` set on failure.
std::shared_ptr<const Module> compile(const uint8_t* data, size_t size, std::string* error);

// Instantiates; null with `message` (the trap or link error) on failure.
std::unique_ptr<Instance> instantiate(const Module& module, HostCalls& host, std::string* message);

}  // namespace wsn::wasm::interp_backend
