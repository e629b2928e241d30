// Top-level walk of a WebAssembly binary's sections, without decoding any code: finds custom
// sections (the rule's `wsn.meta`) and appends new ones. Iterative and bounds-checked, so it
// is safe on untrusted bytes in any process.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsn::wasm {

bool has_wasm_header(std::span<const uint8_t> wasm);

// Payload of the first custom section called `name`; nullopt when absent. A malformed section
// table sets `error` and returns nullopt.
std::optional<std::string_view> find_custom_section(std::span<const uint8_t> wasm,
                                                    std::string_view name, std::string* error);

// Appends a custom section (id 0) called `name` holding `payload`.
void append_custom_section(std::vector<uint8_t>& wasm, std::string_view name,
                           std::string_view payload);

}  // namespace wsn::wasm
