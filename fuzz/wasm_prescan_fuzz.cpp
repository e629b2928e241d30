// Fuzzes what the module helper runs first on untrusted bytes: the custom-section scan, the
// wsn.meta parser and the streaming prescan (wabt's binary reader with our delegate). None of
// it may crash, hang or read out of bounds, whatever the input.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "helper/prescan.h"
#include "wasm/binary_scan.h"
#include "wasm/module_meta.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> wasm(data, size);
  std::string error;
  if (auto meta = wsn::wasm::find_custom_section(wasm, "wsn.meta", &error)) {
    (void)wsn::wasm::parse_module_meta(*meta);
  }
  wsn::wasm::PrescanOptions options;
  options.max_nesting = 64;
  (void)wsn::wasm::prescan_module(wasm, options);
  return 0;
}
