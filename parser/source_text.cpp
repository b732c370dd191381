#include "parser/source_text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace pgshift::parser {
namespace {

bool IsContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  std::uint32_t min_value = 0;
  std::uint32_t value = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    length = 2, min_value = 0x80, value = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3, min_value = 0x800, value = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4, min_value = 0x10000, value = c & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if (!IsContinuationByte(next)) return 0;
    value = (value << 6) | (next & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

SourceText::SourceText(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  checkpoints_.reserve(text_.size() / kCheckpointBytes + 1);
  int line = 1, column = 1;
  // A checkpoint's stretch at a time: its lines are counted (memchr is vectorised; lines are
  // tens of bytes long), and the column only after its last line break.
  for (std::size_t begin = 0; begin < text_.size(); begin += kCheckpointBytes) {
    checkpoints_.push_back({begin, line, column});
    const std::string_view chunk = std::string_view(text_).substr(begin, kCheckpointBytes);
    int breaks = 0;
    std::size_t after_break = 0;  // where the chunk's last line starts
    const char* const end = chunk.data() + chunk.size();
    for (const char* at = chunk.data();
         (at = static_cast<const char*>(std::memchr(at, '\n', end - at))) != nullptr; ++at) {
      ++breaks;
      after_break = at - chunk.data() + 1;
    }
    if (breaks > 0) {
      line += breaks;
      column = 1;
    }
    for (std::size_t i = after_break; i < chunk.size(); ++i) {
      column += !IsContinuationByte(static_cast<unsigned char>(chunk[i]));
    }
  }
  if (checkpoints_.empty()) checkpoints_.push_back({0, 1, 1});
  line_count_ = line;
  // Every file's text stays until the report is rendered; a string grown by doubling (as a file
  // read through a stream is) would hold up to twice its size.
  text_.shrink_to_fit();
}

LineColumn SourceText::PositionOf(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  const auto after = std::upper_bound(
      checkpoints_.begin(), checkpoints_.end(), offset,
      [](std::size_t o, const Checkpoint& c) { return o < c.offset; });
  const Checkpoint& from =
      last_.offset <= offset && last_.offset > (after - 1)->offset ? last_ : *(after - 1);
  // Lines by newline (memchr is vectorised), then characters only after the last one.
  const char* begin = text_.data() + from.offset;
  const char* const end = text_.data() + offset;
  LineColumn at{from.line, from.column};
  while (const void* newline = std::memchr(begin, '\n', end - begin)) {
    begin = static_cast<const char*>(newline) + 1;
    ++at.line;
    at.column = 1;
  }
  at.column += static_cast<int>(std::count_if(begin, end, [](char c) {
    return !IsContinuationByte(static_cast<unsigned char>(c));
  }));
  last_ = {offset, at.line, at.column};
  return at;
}

LineColumn PositionIn(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  LineColumn at;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else if (!IsContinuationByte(static_cast<unsigned char>(text[i]))) {
      ++at.column;
    }
  }
  return at;
}

std::string_view SourceText::Line(int line) const {
  if (line < 1 || line > LineCount()) return {};
  // The last checkpoint on an earlier line: the line starts within 4 KB after it.
  auto after = std::partition_point(checkpoints_.begin(), checkpoints_.end(),
                                    [&](const Checkpoint& c) { return c.line < line; });
  std::size_t begin = 0;
  if (line > 1) {
    const Checkpoint& from = *(after - 1);
    begin = from.offset;
    for (int seen = from.line; seen < line; ++seen) begin = text_.find('\n', begin) + 1;
  }
  std::size_t end = std::min(text_.find('\n', begin), text_.size());
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

std::optional<TextError> ValidateText(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  for (std::size_t i = 0; i < text.size();) {
    // Eight bytes at a time while all are ASCII and none is NUL, as in most SQL: a high bit set
    // in the word, or in (word - ones) & ~word, which has one exactly when some byte is zero.
    while (i + 8 <= text.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, 8);
      if (((word | ((word - kOnes) & ~word)) & kHighBits) != 0) break;
      i += 8;
    }
    if (i == text.size()) break;
    if (text[i] == '\0') return TextError{i, "NUL byte in SQL text"};
    const std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      char message[64];
      std::snprintf(message, sizeof message, "invalid UTF-8 byte 0x%02x",
                    static_cast<unsigned char>(text[i]));
      return TextError{i, message};
    }
    i += length;
  }
  return std::nullopt;
}

std::size_t ByteOffsetOfCodePoint(std::string_view text, std::size_t code_point) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsContinuationByte(static_cast<unsigned char>(text[i]))) continue;
    if (seen == code_point) return i;
    ++seen;
  }
  return text.size();
}

}  // namespace pgshift::parser
