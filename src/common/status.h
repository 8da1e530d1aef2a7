// Error handling across module boundaries: std::expected with one Error type.
//
// Error carries what the API needs to answer a client in one place: a code
// that maps to an HTTP status, a human message, and the offending field.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace vox {

enum class ErrorCode {
  kInvalidArgument,     // 400: malformed input (syntax, type, missing field)
  kUnprocessable,       // 422: well-formed, but a value the platform cannot serve
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kFailedPrecondition,  // 409: state does not allow it (job already done, ...)
  kPermissionDenied,    // 403
  kUnauthenticated,     // 401
  kResourceExhausted,   // 413/429: over a size limit or a quota
  kUnavailable,         // 503: a dependency is down; retrying may help
  kCanceled,            // the operation was canceled on purpose
  kInternal,            // 500: a bug or an unexpected library failure
};

const char* ErrorCodeName(ErrorCode code);  // "invalid_argument", ...

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // request field or CLI option at fault; may be empty

  std::string ToString() const;  // "invalid_argument: message (field: x)"
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message,
                                        std::string field = {}) {
  return std::unexpected<Error>(Error{code, std::move(message), std::move(field)});
}
inline std::unexpected<Error> InvalidArgument(std::string message, std::string field = {}) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
}
inline std::unexpected<Error> NotFound(std::string message, std::string field = {}) {
  return MakeError(ErrorCode::kNotFound, std::move(message), std::move(field));
}
inline std::unexpected<Error> Internal(std::string message) {
  return MakeError(ErrorCode::kInternal, std::move(message));
}
inline std::unexpected<Error> Unavailable(std::string message) {
  return MakeError(ErrorCode::kUnavailable, std::move(message));
}

}  // namespace vox

#define VOX_CONCAT_INNER_(a, b) a##b
#define VOX_CONCAT_(a, b) VOX_CONCAT_INNER_(a, b)

// Returns the error from the enclosing function if `expr` (a Result/Status) failed.
#define VOX_RETURN_IF_ERROR(expr)                                       \
  do {                                                                  \
    auto vox_result_ = (expr);                                          \
    if (!vox_result_) return std::unexpected(std::move(vox_result_).error()); \
  } while (0)

// `VOX_ASSIGN_OR_RETURN(auto x, MakeX());` unwraps a Result or returns its error.
// It expands to several statements: under an `if`, use braces.
#define VOX_ASSIGN_OR_RETURN(lhs, expr) \
  VOX_ASSIGN_OR_RETURN_IMPL_(VOX_CONCAT_(vox_result_, __LINE__), lhs, expr)
#define VOX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)                 \
  auto tmp = (expr);                                               \
  if (!tmp) return std::unexpected(std::move(tmp).error());        \
  lhs = std::move(tmp).value()
