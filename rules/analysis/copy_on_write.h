// A value shared between copies until one of them changes it. Each migration is checked against
// its own copy of the catalog replayed from the ones before it; sharing the tables that the copy
// does not change keeps that copy cheap however long the history grows.
#pragma once

#include <memory>
#include <utility>

namespace pgshift::rules {

// Not for sharing across threads: Mutable() trusts use_count(), which another thread could change.
template <typename T>
class CopyOnWrite {
 public:
  CopyOnWrite(T value) : value_(std::make_shared<T>(std::move(value))) {}  // NOLINT: implicit

  const T& operator*() const { return *value_; }
  const T* operator->() const { return value_.get(); }

  // The value, made this copy's own first if another copy still shares it.
  T& Mutable() {
    if (value_.use_count() > 1) value_ = std::make_shared<T>(*value_);
    return *value_;
  }

 private:
  std::shared_ptr<T> value_;
};

}  // namespace pgshift::rules
