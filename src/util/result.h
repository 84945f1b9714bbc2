// Result<T>: a value or an error message, for library code that must not
// throw across layers. Each layer adds context with `context()`; main prints
// the final message once.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace refreshctl {

// What kind of failure an error is, where a caller acts on it.
enum class ErrorKind {
  kGeneric,
  kConnectionLost,  // the database connection broke; reconnecting may help
  kUnavailable,     // the database cannot take this now (disk full, locked past the busy
                    // timeout, an I/O error); trying again later may help
};

// Whether trying the same again later may succeed.
inline bool is_transient(ErrorKind kind) {
  return kind == ErrorKind::kConnectionLost || kind == ErrorKind::kUnavailable;
}

struct Error {
  std::string message;
  ErrorKind kind = ErrorKind::kGeneric;
};

inline Error make_error(std::string message, ErrorKind kind = ErrorKind::kGeneric) {
  return Error{std::move(message), kind};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const std::string& error() const { return std::get<1>(v_).message; }
  ErrorKind error_kind() const { return std::get<1>(v_).kind; }
  const Error& full_error() const { return std::get<1>(v_); }
  Error take_error() && { return std::get<1>(std::move(v_)); }

  // Prefixes the error with "what: ", as in "loading targets.toml: ...".
  Result context(const std::string& what) && {
    if (ok()) return std::move(*this);
    return Error{what + ": " + error(), error_kind()};
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_.message; }
  ErrorKind error_kind() const { return error_.kind; }
  const Error& full_error() const { return error_; }
  Error take_error() && { return std::move(error_); }
  Result context(const std::string& what) && {
    if (ok()) return *this;
    return Error{what + ": " + error_.message, error_.kind};
  }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace refreshctl

// Returns the error of `expr` from the enclosing function if it failed.
#define RCTL_TRY(expr)                                                \
  do {                                                                \
    auto rctl_try_result_ = (expr);                                   \
    if (!rctl_try_result_.ok()) return rctl_try_result_.full_error(); \
  } while (0)
