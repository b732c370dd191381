// A bump allocator: many small allocations, freed all at once with the arena. Parse trees live in
// one, so that dropping a tree costs one free per block instead of a walk over every node.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace pgshift::parser {

class Arena {
 public:
  explicit Arena(std::size_t first_block = 4096) : next_block_(first_block) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Bytes in use: the blocks it filled and the part of the last one given out. (A block is sized
  // ahead of need; its pages that are never written take no memory.)
  std::size_t bytes() const { return bytes_ - left_; }

  // Uninitialised memory aligned for any scalar or pointer.
  void* Allocate(std::size_t size) {
    size = (size + kAlign - 1) & ~(kAlign - 1);
    if (size > left_) Grow(size);
    void* memory = cursor_;
    cursor_ += size;
    left_ -= size;
    return memory;
  }

 private:
  static constexpr std::size_t kAlign = alignof(std::max_align_t);

  // Out of line, so that Allocate's common path inlines where it is called.
  [[gnu::noinline]] void Grow(std::size_t size) {
    const std::size_t block = std::max(size, next_block_);
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(block));
    bytes_ += block;
    cursor_ = blocks_.back().get();
    left_ = block;
    next_block_ = std::min<std::size_t>(block * 2, 1 << 20);
  }

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cursor_ = nullptr;
  std::size_t left_ = 0;
  std::size_t next_block_;
  std::size_t bytes_ = 0;
};

}  // namespace pgshift::parser
