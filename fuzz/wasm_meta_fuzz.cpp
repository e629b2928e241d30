// Fuzzes the wsn.meta parser (module metadata text) and binding against the schema.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wasm/module_meta.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto meta =
      wsn::wasm::parse_module_meta(std::string_view(reinterpret_cast<const char*>(data), size));
  if (meta.ok()) {
    static wsn::FieldRegistry registry;
    (void)wsn::wasm::bind_module_meta(meta.value(), registry);
  }
  return 0;
}
