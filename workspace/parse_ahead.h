// Parsing ahead of a serial check. With history on, one thread checks a migration folder's files
// in order, each against the catalog the files before it leave, and the largest folder sets the
// wall time while the other threads run out of folders. Parsing a file (about 40% of the work)
// does not depend on that catalog: threads with nothing else to do parse the next files ahead of
// the one checking them, and it takes their parses when it gets there. A bounded look-ahead (a
// number of items and a memory budget) keeps memory bounded; an item nobody has started when the
// checking thread needs it is left to that thread, as without look-ahead.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace pgshift::workspace {

// Wakes the threads waiting for work ahead when there may be some: a window moved, a job ended.
class AheadSignal {
 public:
  std::uint64_t Generation() {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  void Changed() {
    {
      std::lock_guard lock(mutex_);
      ++generation_;
    }
    changed_.notify_all();
  }
  // Waits until something changed after `seen` (a Generation()).
  void WaitPast(std::uint64_t seen) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return generation_ != seen; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;
};

struct AheadLimits {
  std::size_t items = 32;                    // made ahead of the item taken last
  std::size_t bytes = std::size_t{8} << 20;  // held by items made and not taken yet
};

// Items 0..count-1, taken in increasing order by one thread; helpers make them ahead.
template <class T>
class ParseAhead {
 public:
  // make(i): item i, or null to leave it to the taker. bytes(item): the memory it holds.
  ParseAhead(std::size_t count, std::function<std::shared_ptr<T>(std::size_t)> make,
             std::function<std::size_t(const T&)> bytes, AheadLimits limits = {},
             AheadSignal* signal = nullptr)
      : make_(std::move(make)),
        bytes_(std::move(bytes)),
        limits_(limits),
        signal_(signal),
        items_(count) {}
  ParseAhead(const ParseAhead&) = delete;
  ParseAhead& operator=(const ParseAhead&) = delete;

  // For the taker: item i as a helper made it (waiting while one makes it), or null when no
  // helper did. Items before i not taken are dropped.
  std::shared_ptr<T> Take(std::size_t i) {
    std::shared_ptr<T> item;
    {
      std::unique_lock lock(mutex_);
      for (std::size_t k = next_; k < i && k < items_.size(); ++k) Drop(items_[k]);
      next_ = std::max(next_, i);
      if (i < items_.size()) {
        Slot& slot = items_[i];
        made_.wait(lock, [&] { return slot.state != State::kMaking; });
        item = std::move(slot.item);
        Drop(slot);
      }
      next_ = std::max(next_, i + 1);
    }
    if (signal_ != nullptr) signal_->Changed();
    return item;
  }

  // For the taker, when done: nothing more is made, what was made is dropped.
  void Close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      for (Slot& slot : items_) Drop(slot);
    }
    if (signal_ != nullptr) signal_->Changed();
  }

  // For a helper: makes the first item within the limits that nobody has started. False when
  // there is none now (all started, the window or the budget full, or closed).
  bool Help() {
    std::size_t i = 0;
    {
      std::lock_guard lock(mutex_);
      if (closed_ || held_ >= limits_.bytes) return false;
      while (first_free_ < items_.size() && items_[first_free_].state != State::kFree) {
        ++first_free_;
      }
      i = std::max(first_free_, next_);
      while (i < items_.size() && items_[i].state != State::kFree) ++i;
      if (i >= items_.size() || i >= next_ + limits_.items) return false;
      items_[i].state = State::kMaking;
    }
    std::shared_ptr<T> item;
    try {
      item = make_(i);
    } catch (...) {
      // Left to the taker, who meets the same trouble where it would have without a helper.
    }
    {
      std::lock_guard lock(mutex_);
      Slot& slot = items_[i];
      if (slot.state == State::kMaking) {
        slot.state = State::kMade;
        if (item != nullptr && !closed_ && i >= next_) {
          slot.bytes = bytes_(*item);
          held_ += slot.bytes;
          slot.item = std::move(item);
        }
      }
    }
    made_.notify_all();
    return true;
  }

  // What the items made and not taken hold.
  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_;
  }

 private:
  enum class State { kFree, kMaking, kMade, kGone };
  struct Slot {
    State state = State::kFree;
    std::shared_ptr<T> item;
    std::size_t bytes = 0;
  };

  // A made item's memory goes; a free one will not be made. One being made is dropped when done.
  void Drop(Slot& slot) {
    if (slot.state == State::kMaking) return;
    held_ -= slot.bytes;
    slot.bytes = 0;
    slot.item.reset();
    slot.state = State::kGone;
  }

  std::function<std::shared_ptr<T>(std::size_t)> make_;
  std::function<std::size_t(const T&)> bytes_;
  const AheadLimits limits_;
  AheadSignal* signal_;
  std::mutex mutex_;
  std::condition_variable made_;
  std::vector<Slot> items_;
  std::size_t next_ = 0;        // the taker has passed every item before it
  std::size_t first_free_ = 0;  // no item before it is free
  std::size_t held_ = 0;
  bool closed_ = false;
};

}  // namespace pgshift::workspace
