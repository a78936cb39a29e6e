// Outcome<T, E>: either a value or an error value of a domain-specific type, for results
// whose errors carry more than a ragd::Status (a network error's kind, an LLM failure's
// retryability). Plain value type; safe to share read-only between threads.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace ragd {

template <typename T, typename E>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Outcome(E error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  E& error() & { return std::get<1>(data_); }
  const E& error() const& { return std::get<1>(data_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> data_;
};

}  // namespace ragd
