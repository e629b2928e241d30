// C++ conveniences over wsn_rule.h for rule authors: std::string_view access to record fields
// and a small Record wrapper. Header-only; needs no exceptions, RTTI or C++ runtime library
// (compile with -fno-exceptions -fno-rtti; string_view is header-only in libc++).
#ifndef WSN_RULE_HPP_
#define WSN_RULE_HPP_

#include <string_view>

#include "wsn_rule.h"

namespace wsn_sdk {

class Record {
 public:
  explicit Record(uint32_t len) : r_(wsn_record(len)) {}

  uint16_t category() const { return r_->category; }
  int64_t time_ns() const { return r_->time_ns; }
  bool has(uint32_t field) const { return wsn_has(r_, field) != 0; }

  // String value of a field ("" when absent or not a string).
  std::string_view str(uint32_t field) const {
    const wsn_str s = wsn_field_str(r_, field);
    return s.p ? std::string_view(s.p, s.len) : std::string_view();
  }
  int64_t integer(uint32_t field, int64_t dflt = 0) const { return wsn_field_int(r_, field, dflt); }
  uint32_t list_count(uint32_t field) const { return wsn_list_count(r_, field); }
  std::string_view list_item(uint32_t field, uint32_t k) const {
    const wsn_str s = wsn_list_item(r_, field, k);
    return s.p ? std::string_view(s.p, s.len) : std::string_view();
  }

 private:
  const wsn_record_header* r_;
};

inline void alert(int32_t severity, std::string_view title, std::string_view details = {}) {
  wsn_emit_alert(severity, title.data(), static_cast<uint32_t>(title.size()), details.data(),
                 static_cast<uint32_t>(details.size()));
}

inline void log(int32_t level, std::string_view msg) {
  wsn_log(level, msg.data(), static_cast<uint32_t>(msg.size()));
}

inline int64_t state_add(std::string_view key, int64_t delta, int64_t ttl_ns) {
  return wsn_state_add(key.data(), static_cast<uint32_t>(key.size()), delta, ttl_ns);
}

// ASCII case-insensitive search.
inline bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && wsn_lower(hay[i + k]) == wsn_lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace wsn_sdk

#endif  // WSN_RULE_HPP_
