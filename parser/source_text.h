// A migration file's bytes, with the mapping from byte offsets to 1-based line and column.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::parser {

// A 1-based position as shown to users. Columns count Unicode code points, not bytes.
struct LineColumn {
  int line = 1;
  int column = 1;
};

// Why a file cannot be treated as SQL text, and where.
struct TextError {
  std::size_t offset = 0;
  std::string message;
};

class SourceText {
 public:
  SourceText(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  std::size_t size() const { return text_.size(); }

  // Not for two threads at once (see last_).
  LineColumn PositionOf(std::size_t offset) const;
  // The full text of the 1-based line, without its line break.
  std::string_view Line(int line) const;
  int LineCount() const { return line_count_; }

 private:
  // The position at every 4 KB of text, so that finding a position scans at most that much,
  // however long the line (a table of every line start would take 8 bytes per newline).
  struct Checkpoint {
    std::size_t offset;
    int line;
    int column;
  };
  static constexpr std::size_t kCheckpointBytes = 4096;

  std::string path_;
  std::string text_;
  std::vector<Checkpoint> checkpoints_;
  int line_count_ = 1;
  // The last position found: callers mostly ask in file order, so the next search starts here
  // rather than at a checkpoint. This makes PositionOf unsafe to call from two threads at once.
  mutable Checkpoint last_{0, 1, 1};
};

// The position of a byte offset in any text (a JSON or TOML file, a SQL string), found by one
// scan from its start; SourceText::PositionOf serves many lookups in one file.
LineColumn PositionIn(std::string_view text, std::size_t offset);

// SQL must be UTF-8 without NUL bytes: the parser stops at a NUL, and PostgreSQL rejects both.
std::optional<TextError> ValidateText(std::string_view text);

// Byte offset of the code point with the given 0-based index in `text` (clamped to the end).
std::size_t ByteOffsetOfCodePoint(std::string_view text, std::size_t code_point);

}  // namespace pgshift::parser
