#include "config/units.h"

#include <charconv>
#include <limits>

namespace wsn::config {
namespace {

struct Unit {
  std::string_view suffix;
  uint64_t factor;
};

constexpr Unit kDurationUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
    {"d", 86'400'000'000'000},
};

constexpr Unit kSizeUnits[] = {
    {"B", 1},
    {"KB", 1'000},
    {"MB", 1'000'000},
    {"GB", 1'000'000'000},
    {"KiB", uint64_t{1} << 10},
    {"MiB", uint64_t{1} << 20},
    {"GiB", uint64_t{1} << 30},
    {"TiB", uint64_t{1} << 40},
};

// Splits "123unit" into the number and the unit text.
bool split(std::string_view text, uint64_t& number, std::string_view& unit) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const auto r = std::from_chars(text.data(), text.data() + text.size(), number);
  if (r.ec != std::errc() || r.ptr == text.data()) return false;
  unit = text.substr(static_cast<size_t>(r.ptr - text.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return true;
}

template <size_t N>
const char* scale(std::string_view text, const Unit (&units)[N], uint64_t default_factor,
                  uint64_t max, uint64_t& out, const char* bad_unit) {
  uint64_t number = 0;
  std::string_view unit;
  if (!split(text, number, unit)) return "expected a number with an optional unit";
  uint64_t factor = default_factor;
  if (!unit.empty()) {
    factor = 0;
    for (const Unit& u : units) {
      if (u.suffix == unit) factor = u.factor;
    }
    if (factor == 0) return bad_unit;
  }
  if (number > max / factor) return "value too large";
  out = number * factor;
  return nullptr;
}

}  // namespace

const char* parse_duration(std::string_view text, int64_t& ns_out) {
  uint64_t v = 0;
  const char* err = scale(text, kDurationUnits, 1'000'000'000,
                          static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), v,
                          "unknown duration unit (use ms, s, m, h or d)");
  if (err) return err;
  ns_out = static_cast<int64_t>(v);
  return nullptr;
}

const char* parse_size(std::string_view text, uint64_t& bytes_out) {
  return scale(text, kSizeUnits, 1, std::numeric_limits<uint64_t>::max(), bytes_out,
               "unknown size unit (use B, KB, MB, GB, KiB, MiB or GiB)");
}

std::string format_duration(int64_t ns) {
  if (ns == 0) return "0s";
  for (auto it = std::rbegin(kDurationUnits); it != std::rend(kDurationUnits); ++it) {
    if (static_cast<uint64_t>(ns) % it->factor == 0) {
      return std::to_string(static_cast<uint64_t>(ns) / it->factor) + std::string(it->suffix);
    }
  }
  return std::to_string(ns) + "ns";
}

std::string format_size(uint64_t bytes) {
  for (std::string_view u : {"TiB", "GiB", "MiB", "KiB"}) {
    for (const Unit& unit : kSizeUnits) {
      if (unit.suffix == u && bytes != 0 && bytes % unit.factor == 0) {
        return std::to_string(bytes / unit.factor) + std::string(u);
      }
    }
  }
  return std::to_string(bytes);
}

}  // namespace wsn::config
