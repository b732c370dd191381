// Runs work on a thread with a large stack. The parse tree is copied out of the parser
// recursively (parser/raw_tree.c), and the rules walk it so, so the deepest statements the parser
// accepts (parser/parsed_file.cpp) need stack to spare, the more so in a sanitizer build, whose
// frames are several times larger.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

namespace pgshift::parser {

// 512 MB of address space; only the pages a deep tree touches are ever used.
inline constexpr std::size_t kLargeStackBytes = std::size_t{512} << 20;

// Runs `work` on a thread with kLargeStackBytes of stack and waits for it; runs it directly when
// already on such a thread (or when no such thread can be started). Exceptions reach the caller.
void RunWithLargeStack(const std::function<void()>& work);

// Returns work()'s result, computed on a large stack.
template <class Work>
auto OnLargeStack(Work&& work) {
  std::optional<decltype(work())> result;
  RunWithLargeStack([&] { result.emplace(work()); });
  return std::move(*result);
}

}  // namespace pgshift::parser
