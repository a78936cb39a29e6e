// Status and Result<T>: errors as values at module boundaries.
//
// Contract: a Status is either ok or carries an ErrorCode and a message written for the
// person who will read it (what was wrong and, where possible, what to do). Exceptions do
// not cross module boundaries; code that calls throwing libraries converts at the edge.
// Both types are cheap to move and safe to share read-only between threads.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ragd {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // the caller's input is wrong (bad flag, malformed file, bad UTF-8)
  kNotFound,         // a named thing does not exist
  kAlreadyExists,
  kIo,               // the operating system refused (open, read, write, rename)
  kCorruption,       // persisted data does not match its own checks
  kUnsupported,      // a format or feature this build cannot handle
  kTooLarge,         // input beyond a configured limit
  kBusy,             // a resource is held by someone else; retry later
  kInternal,         // a bug: an invariant did not hold
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(ErrorCode code, std::string message) {
    return Status(code, std::move(message));
  }
  static Status invalid(std::string m) { return error(ErrorCode::kInvalidArgument, std::move(m)); }
  static Status not_found(std::string m) { return error(ErrorCode::kNotFound, std::move(m)); }
  static Status io(std::string m) { return error(ErrorCode::kIo, std::move(m)); }
  static Status corruption(std::string m) { return error(ErrorCode::kCorruption, std::move(m)); }
  static Status internal(std::string m) { return error(ErrorCode::kInternal, std::move(m)); }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code name>: <message>", for logs.
  std::string to_string() const;

 private:
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Holds either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).is_ok());
  }

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace ragd

// Propagates a non-ok Status from an expression returning Status.
#define RAGD_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::ragd::Status ragd_status_ = (expr);     \
    if (!ragd_status_.is_ok()) return ragd_status_; \
  } while (0)
