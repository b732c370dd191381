// A list that copies share: a copy costs one pointer, and an item added to one copy is not seen
// by the others, without either copying the items they share. For what a catalog only ever adds
// to (the names its DROPs removed): each migration's catalog is a copy of the one before it.
#pragma once

#include <memory>
#include <utility>

namespace pgshift::rules {

template <typename T>
class SharedList {
 public:
  SharedList() = default;
  SharedList(const SharedList&) = default;
  SharedList(SharedList&& other) noexcept : head_(std::move(other.head_)) {}
  SharedList& operator=(SharedList other) noexcept {
    std::swap(head_, other.head_);
    return *this;
  }
  // Links only this copy holds are freed one by one: a long list freed by each link freeing the
  // next would nest as deep as the list is long.
  ~SharedList() {
    while (head_ != nullptr && head_.use_count() == 1) head_ = std::move(head_->next);
  }

  void Push(T value) { head_ = std::make_shared<Link>(Link{std::move(value), std::move(head_)}); }

  // Whether `predicate` holds for an item, the latest added first.
  template <typename Predicate>
  bool AnyOf(Predicate&& predicate) const {
    for (const Link* link = head_.get(); link != nullptr; link = link->next.get()) {
      if (predicate(link->value)) return true;
    }
    return false;
  }

 private:
  struct Link {
    T value;
    std::shared_ptr<Link> next;
  };
  std::shared_ptr<Link> head_;
};

}  // namespace pgshift::rules
