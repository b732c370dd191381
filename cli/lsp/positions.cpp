#include "cli/lsp/positions.h"

#include <algorithm>

namespace pgshift::cli::lsp {
namespace {

// Bytes of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte).
std::size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Position LineIndex::PositionOf(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(after - line_starts_.begin()) - 1;
  std::size_t units = 0;
  for (std::size_t i = line_starts_[line]; i < offset;) {
    const std::size_t length = SequenceLength(static_cast<unsigned char>(text_[i]));
    units += length == 4 ? 2 : 1;  // beyond the BMP: a surrogate pair
    i += length;
  }
  return {line, units};
}

std::size_t LineIndex::OffsetOf(Position position) const {
  if (position.line >= line_starts_.size()) return text_.size();
  const std::size_t end =
      position.line + 1 < line_starts_.size() ? line_starts_[position.line + 1] - 1 : text_.size();
  std::size_t i = line_starts_[position.line];
  for (std::size_t units = 0; i < end && units < position.character;) {
    const std::size_t length = SequenceLength(static_cast<unsigned char>(text_[i]));
    units += length == 4 ? 2 : 1;
    i = std::min(i + length, end);
  }
  return i;
}

}  // namespace pgshift::cli::lsp
