// Status and Result<T>: how the Lantern engine reports failure.
//
// Nothing throws across the engine API. A function that can fail returns a
// Status (or a Result<T> holding either a value or a non-OK Status). The CLI
// maps codes to exit codes in one place; the server will map them to HTTP.
// The shape follows Arrow's Status/Result; it can be replaced by
// std::expected once the project moves to C++23.
#ifndef LANTERN_STATUS_H_
#define LANTERN_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lantern {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller asked for something that makes no sense
  kInvalidInput,        // an input file is missing, unreadable or has the wrong header
  kNotFound,            // a store, file or record does not exist
  kIoError,             // the operating system refused a read or write
  kCorruption,          // a stored file failed its integrity check
  kFailedPrecondition,  // e.g. a store written by a newer Lantern
  kInternal,
  kPermissionDenied,  // not logged in, or not entitled (the server)
  kUnavailable,       // held by another process for now (the store's lock): try again later
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(StatusCode::kInvalidArgument, std::move(m));
  }
  static Status InvalidInput(std::string m) {
    return Status(StatusCode::kInvalidInput, std::move(m));
  }
  static Status NotFound(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
  static Status IoError(std::string m) { return Status(StatusCode::kIoError, std::move(m)); }
  static Status Corruption(std::string m) { return Status(StatusCode::kCorruption, std::move(m)); }
  static Status FailedPrecondition(std::string m) {
    return Status(StatusCode::kFailedPrecondition, std::move(m));
  }
  static Status PermissionDenied(std::string m) {
    return Status(StatusCode::kPermissionDenied, std::move(m));
  }
  static Status Internal(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }
  static Status Unavailable(std::string m) {
    return Status(StatusCode::kUnavailable, std::move(m));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid input: schools.csv: missing column 'urn'"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds a T or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(value_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(value_);
  }
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace lantern

#define LANTERN_CONCAT_INNER(a, b) a##b
#define LANTERN_CONCAT(a, b) LANTERN_CONCAT_INNER(a, b)

#define LANTERN_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::lantern::Status _lantern_st = (expr);    \
    if (!_lantern_st.ok()) return _lantern_st; \
  } while (0)

#define LANTERN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#define LANTERN_ASSIGN_OR_RETURN(lhs, expr) \
  LANTERN_ASSIGN_OR_RETURN_IMPL(LANTERN_CONCAT(_lantern_result_, __LINE__), lhs, expr)

#endif  // LANTERN_STATUS_H_
