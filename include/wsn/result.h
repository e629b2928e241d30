// Result<T> / Status: the one error idiom for operations that can fail for system reasons (I/O,
// privileges, resources, an unavailable facility). The error carries a code a caller can act
// on and a message a person can read. User mistakes in rules and configuration are Diagnostics
// (wsn/diagnostics.h), not Results.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace wsn {

// What kind of failure, for callers that react differently (fall back, retry, give up).
enum class ErrorCode : uint8_t {
  kUnspecified,  // no code given: code() derives one from sys_errno
  kNotFound,     // a file, device or object does not exist
  kPermission,   // not allowed (privileges, file modes)
  kUnavailable,  // the facility cannot work on this host or build (no BTF, no socket …)
  kResource,     // out of memory, disk, descriptors, or a limit reached
  kInvalid,      // an input the operation cannot take (a malformed file, a bad address)
  kIo,           // any other failed system call
  kInternal,     // a bug: a broken invariant
};

std::string_view error_code_name(ErrorCode c);

struct Error {
  std::string message;  // says what failed and on what, e.g. "open /x/y.jsonl: No such file"
  int sys_errno = 0;    // errno when a system call failed, else 0
  ErrorCode kind = ErrorCode::kUnspecified;

  // The kind, derived from sys_errno when none was given.
  ErrorCode code() const;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace wsn
