// Collects a report's text and hands it to the stream in large pieces: written to the stream
// piece by piece, with a string made for each piece, writing a report cost a sixth of a lint run.
#pragma once

#include <charconv>
#include <cstddef>
#include <ostream>
#include <string>

namespace pgshift::cli {

class OutputBuffer {
 public:
  explicit OutputBuffer(std::ostream& out) : out_(out) { text_.reserve(kFlushAt + 4096); }
  ~OutputBuffer() { Flush(); }
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  // The text not yet handed over, to append to.
  std::string& text() { return text_; }
  template <typename Number>
  void AppendDecimal(Number n) {
    char digits[24];
    text_.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
  }
  // Hands the text over once it has grown past a large piece.
  void Spill() {
    if (text_.size() > kFlushAt) Flush();
  }
  void Flush() {
    out_.write(text_.data(), static_cast<std::streamsize>(text_.size()));
    text_.clear();
  }

 private:
  static constexpr std::size_t kFlushAt = 1 << 16;
  std::ostream& out_;
  std::string text_;
};

}  // namespace pgshift::cli
