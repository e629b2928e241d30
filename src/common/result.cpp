#include "wsn/result.h"

#include <cerrno>

namespace wsn {

std::string_view error_code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::kUnspecified:
      return "unspecified";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kPermission:
      return "permission";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kResource:
      return "resource";
    case ErrorCode::kInvalid:
      return "invalid";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unspecified";
}

ErrorCode Error::code() const {
  if (kind != ErrorCode::kUnspecified) return kind;
  switch (sys_errno) {
    case 0:
      return ErrorCode::kUnspecified;
    case ENOENT:
    case ENODEV:
    case ESRCH:
      return ErrorCode::kNotFound;
    case EACCES:
    case EPERM:
      return ErrorCode::kPermission;
    case ENOSYS:
    case EOPNOTSUPP:
    case EAFNOSUPPORT:
      return ErrorCode::kUnavailable;
    case ENOMEM:
    case ENOSPC:
    case EMFILE:
    case ENFILE:
    case EDQUOT:
      return ErrorCode::kResource;
    case EINVAL:
      return ErrorCode::kInvalid;
    default:
      return ErrorCode::kIo;
  }
}

}  // namespace wsn
