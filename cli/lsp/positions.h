// LSP positions count UTF-16 code units within a line; pgshift's spans count bytes of UTF-8.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace pgshift::cli::lsp {

struct Position {
  std::size_t line = 0;       // from 0
  std::size_t character = 0;  // UTF-16 code units from the start of the line
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  Position PositionOf(std::size_t offset) const;
  // The byte offset of a position; past the end of its line or of the text: the end of it.
  std::size_t OffsetOf(Position position) const;

 private:
  std::string_view text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace pgshift::cli::lsp
